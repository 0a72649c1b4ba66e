import { Component, onWillStart, useState, useSubEnv } from "@odoo/owl";
import { deserializeDateTime, formatDateTime } from "@web/core/l10n/dates";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { useSetupAction } from "@web/search/action_hook";
import { Layout } from "@web/search/layout";
import { getDefaultConfig } from "@web/views/view";

/**
 * History of a record (partner, quotation, invoice...): the follow-ups planned on its
 * exchanges, soonest first, then its exchanges and its chatter messages interleaved by date,
 * newest first. Data comes from exchange.log.get_history,
 * which reads everything with the user's rights.
 */
export class ExchangeHistoryAction extends Component {
    static components = { Layout };
    static template = "exchange_tracking.ExchangeHistoryAction";
    static props = ["*"];

    setup() {
        useSubEnv({ config: { ...getDefaultConfig(), ...this.env.config } });
        useSetupAction();
        this.orm = useService("orm");
        this.actionService = useService("action");
        const params = this.props.action.params || {};
        this.resModel = params.res_model;
        this.resId = params.res_id;
        this.state = useState({ loaded: false, record: null, entries: [], followups: [] });
        onWillStart(() => this.load());
    }

    async load() {
        if (this.resModel && this.resId) {
            const result = await this.orm.call("exchange.log", "get_history", [
                this.resModel,
                this.resId,
            ]);
            this.state.record = result.record;
            this.state.entries = result.entries;
            this.state.followups = result.followups || [];
        }
        this.state.loaded = true;
    }

    formatDate(value) {
        return formatDateTime(deserializeDateTime(value));
    }

    async openEntry(entry) {
        if (entry.type !== "exchange") {
            return;
        }
        await this.openExchange(entry.id);
    }

    async openExchange(exchangeId) {
        await this.actionService.doAction({
            type: "ir.actions.act_window",
            res_model: "exchange.log",
            res_id: exchangeId,
            views: [[false, "form"]],
        });
    }

    async logExchange() {
        const action = await this.orm.call("exchange.log", "action_open_log_form", [
            this.resModel,
            this.resId,
        ]);
        await this.actionService.doAction(action, { onClose: () => this.load() });
    }
}

registry.category("actions").add("exchange_tracking.history", ExchangeHistoryAction);
