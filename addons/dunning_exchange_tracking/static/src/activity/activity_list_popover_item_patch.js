import { ActivityListPopoverItem } from "@mail/core/web/activity_list_popover_item";
import { patch } from "@web/core/utils/patch";

/**
 * "Mark Done" on a dunning call in the activity lists (the activity column of list and kanban
 * views, the Activity view) opens the exchange form of the call instead of the feedback box.
 */
patch(ActivityListPopoverItem.prototype, {
    async onClickMarkAsDone() {
        if (!this.props.activity.dunning_call) {
            return super.onClickMarkAsDone(...arguments);
        }
        await this.props.activity.logDunningCall();
        this.props.onActivityChanged?.();
    },
});
