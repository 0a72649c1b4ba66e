/** @odoo-module **/

import { registry } from "@web/core/registry";

/**
 * A credit controller starts the day from "My Day": a customer to remind opens its follow-up
 * page, "Send the Reminder" opens the mail composer filled with the next step's e-mail, the
 * text is edited and sent, and the e-mail shows in the customer's chatter. The customer is
 * created by tests/test_tours.py.
 */
registry.category("web_tour.tours").add("dunning_followup_tour", {
    steps: () => [
        {
            content: "Open the Dunning menu",
            trigger: 'button[data-menu-xmlid="dunning_strategy.menu_dunning_root"]',
            run: "click",
        },
        {
            content: "My Day is the first entry",
            trigger: '.dropdown-menu .dropdown-item:first-child[data-menu-xmlid="dunning_strategy.menu_dunning_worklist"]',
            run: "click",
        },
        {
            content: "The customer to remind today is listed; open its page",
            trigger: '.o_data_row:contains("Tour Customer Alpha") td[name="partner_id"]',
            run: "click",
        },
        {
            content: "The follow-up page shows the open invoices",
            trigger: '.o_form_view .o_field_widget[name="dunning_open_invoice_ids"] .o_data_row',
        },
        {
            content: "Send the reminder",
            trigger: '.o_form_view .o_form_statusbar button[name="action_dunning_send_reminder"]',
            run: "click",
        },
        {
            content: "The composer holds the e-mail of the next step: edit its text",
            trigger: ".modal .o_mail_composer_form_view .odoo-editor-editable p",
            run: "editor Texte modifié par le tour : merci de régler sous huit jours.",
        },
        {
            content: "Send it",
            trigger: ".modal .modal-footer button.o_mail_send:not([disabled])",
            run: "click",
        },
        {
            content: "The edited e-mail is in the customer's chatter",
            trigger: '.o-mail-Chatter .o-mail-Message:contains("Texte modifié par le tour")',
        },
    ],
});
