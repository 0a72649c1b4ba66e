import { Activity } from "@mail/core/web/activity_model";
import { assignIn } from "@mail/utils/common/misc";
import { patch } from "@web/core/utils/patch";

/**
 * A dunning call (``dunning_call``, said by the server) is logged as an exchange: marking it done
 * opens the exchange form of the call, and saving the exchange marks the activity done on the
 * server. Closing the form without saving leaves the activity as it was.
 */
patch(Activity, {
    _insert(data) {
        const activity = super._insert(...arguments);
        assignIn(activity, data, ["dunning_call"]);
        return activity;
    },
});

patch(Activity.prototype, {
    /** Open the exchange form of this call; resolves when the form closes. */
    async logDunningCall() {
        const action = await this.store.env.services.orm.call(
            "mail.activity",
            "action_dunning_log_call",
            [[this.id]]
        );
        await new Promise((resolve) => {
            this.store.env.services.action.doAction(action, { onClose: resolve });
        });
        this.store.activityBroadcastChannel?.postMessage({
            type: "RELOAD_CHATTER",
            payload: { id: this.res_id, model: this.res_model },
        });
    },
});
