/** @odoo-module **/

import { registry } from "@web/core/registry";

/**
 * A credit controller opens a customer in dunning, marks its reminder call done: the exchange
 * form opens, filled as an outgoing phone call about the reminder; the customer promised to pay
 * on 12/31/2030: the outcome, the date, save. The customer's page shows the promise and the call
 * in its timeline. The customer, its reminder and its call are created by tests/test_tours.py.
 */
registry.category("web_tour.tours").add("dunning_call_outcome_tour", {
    steps: () => [
        {
            content: "Open the Dunning menu",
            trigger: 'button[data-menu-xmlid="dunning_strategy.menu_dunning_root"]',
            run: "click",
        },
        {
            content: "Customers in dunning",
            trigger: '.dropdown-item[data-menu-xmlid="dunning_strategy.menu_dunning_partner"]',
            run: "click",
        },
        {
            content: "Open the customer's follow-up page",
            trigger: '.o_data_row:contains("Tour Call Customer") td[name="partner_id"]',
            run: "click",
        },
        {
            content: "The reminder call is in the chatter: mark it done",
            trigger: '.o-mail-Activity:contains("Tour reminder call") .o-mail-Activity-markDone',
            run: "click",
        },
        {
            content: "The exchange form opens: an outgoing phone call about the reminder, with its invoices",
            trigger: '.modal .o_form_view .o_field_widget[name="dunning_invoice_ids"] .o_tag',
        },
        {
            content: "The customer promised to pay",
            trigger: '.modal .o_field_widget[name="dunning_outcome"] input[data-value="promise"]',
            run: "click",
        },
        {
            content: "By this date",
            trigger: '.modal .o_field_widget[name="dunning_promise_date"] input',
            run: "edit 12/31/2030",
        },
        {
            content: "What was said",
            trigger: '.modal .o_field_widget[name="description"] .odoo-editor-editable',
            run: "editor Virement promis pour la fin de l'année.",
        },
        {
            content: "Save the call",
            trigger: ".modal .o_form_button_save:enabled",
            run: "click",
        },
        {
            content: "The dialog closes and the call is no longer planned",
            trigger: 'body:not(:has(.modal)):not(:has(.o-mail-Activity:contains("Tour reminder call")))',
        },
        {
            content: "Open the promises of the customer",
            trigger: '.o_notebook .nav-link[name="promises"]',
            run: "click",
        },
        {
            content: "The promise of the call is there, open",
            trigger: '.o_field_widget[name="dunning_promise_ids"] .o_data_row:contains("12/31/2030"):contains("Open")',
        },
        {
            content: "Open the timeline",
            trigger: '.o_notebook .nav-link[name="timeline"]',
            run: "click",
        },
        {
            content: "The call is in the timeline with its promise",
            trigger: '.o_field_widget[name="dunning_timeline"] .badge:contains("Promise to pay"):contains("12/31/2030")',
        },
    ],
});
