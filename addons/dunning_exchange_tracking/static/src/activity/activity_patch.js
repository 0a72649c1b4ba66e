import { Activity } from "@mail/core/web/activity";
import { patch } from "@web/core/utils/patch";

/**
 * "Mark Done" on a dunning call in the chatter opens the exchange form of the call. The record
 * is reloaded afterwards: the customer's page then shows the promise or dispute the call made.
 */
patch(Activity.prototype, {
    async onClickMarkAsDone(ev) {
        if (!this.props.activity.dunning_call) {
            return super.onClickMarkAsDone(ev);
        }
        const thread = this.thread;
        await this.props.activity.logDunningCall();
        this.props.onActivityChanged(thread);
        await this.props.reloadParentView();
    },
});
