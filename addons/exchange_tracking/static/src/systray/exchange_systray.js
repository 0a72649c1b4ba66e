import { Component, onWillStart, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { user } from "@web/core/user";
import { useService } from "@web/core/utils/hooks";

/**
 * "Log an exchange" in the systray: opens the exchange form in a dialog, pre-filled with
 * the record of the form on screen (a partner, a quotation, an invoice...), if any.
 * Shown to the users who create exchanges when the setting enables the systray entry.
 */
export class ExchangeSystray extends Component {
    static template = "exchange_tracking.ExchangeSystray";
    static props = {};

    setup() {
        this.action = useService("action");
        this.orm = useService("orm");
        this.state = useState({ visible: false });
        this.title = _t("Log an exchange");
        onWillStart(async () => {
            this.state.visible = await user.hasGroup("exchange_tracking.group_exchange_systray");
        });
    }

    /**
     * The record of the form view on screen: the action service's current controller is
     * the main (non-dialog) view; its state follows the form pager.
     */
    getCurrentRecord() {
        const controller = this.action.currentController;
        if (!controller || controller.action?.type !== "ir.actions.act_window") {
            return {};
        }
        const props = controller.props || {};
        const resId = controller.currentState?.resId || props.resId;
        if (props.type !== "form" || !props.resModel || !Number.isInteger(resId)) {
            return {};
        }
        return { resModel: props.resModel, resId };
    }

    async onClick() {
        const { resModel, resId } = this.getCurrentRecord();
        const action = await this.orm.call("exchange.log", "action_open_log_form", [
            resModel || false,
            resId || false,
        ]);
        await this.action.doAction(action);
    }
}

registry
    .category("systray")
    .add("exchange_tracking.ExchangeSystray", { Component: ExchangeSystray }, { sequence: 45 });
