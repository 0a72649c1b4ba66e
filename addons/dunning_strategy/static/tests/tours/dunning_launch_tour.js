/** @odoo-module **/

import { registry } from "@web/core/registry";

/**
 * Launch reminders by hand: open the wizard from the menu, pick the strategy "Relances clients"
 * and its step 2, remove one customer, preview another's reminder, launch, reach the run, read a line's email and its delivery.
 * The data (customers due for step 2) is created by tests/test_tours.py.
 */
registry.category("web_tour.tours").add("dunning_launch_tour", {
    steps: () => [
        {
            content: "Open the Dunning menu",
            trigger: 'button[data-menu-xmlid="dunning_strategy.menu_dunning_root"]',
            run: "click",
        },
        {
            content: "Launch reminders",
            trigger: '.dropdown-item[data-menu-xmlid="dunning_strategy.menu_dunning_launch"]',
            run: "click",
        },
        {
            content: "Pick the strategy",
            trigger: '.modal .o_field_widget[name="strategy_id"] input',
            run: "edit Relances clients",
        },
        {
            trigger: '.ui-menu-item a:contains("Relances clients")',
            run: "click",
        },
        {
            content: "Pick its step 2",
            trigger: '.modal .o_field_widget[name="step_id"] input',
            run: "edit Relance 1",
        },
        {
            trigger: '.ui-menu-item a:contains("Relance 1")',
            run: "click",
        },
        {
            // the list of the step, not the strategy's list that the step's onchange replaces (the
            // marked customer is due for step 3 only): a click before the step's list arrives is lost
            content: "The customers due for step 2 are listed",
            trigger:
                '.modal .o_field_widget[name="line_ids"]:not(:has(.o_data_row:contains("Tour Marked Customer"))) .o_data_row:contains("Tour Customer Bravo")',
        },
        {
            trigger: '.modal .o_field_widget[name="line_ids"] .o_data_row:contains("Tour Customer Alpha")',
        },
        {
            content: "Remove one customer",
            trigger:
                '.modal .o_field_widget[name="line_ids"] .o_data_row:contains("Tour Customer Bravo") .o_list_record_remove button',
            run: "click",
        },
        {
            content: "The customer is gone from the list",
            trigger:
                '.modal .o_field_widget[name="line_ids"]:not(:has(.o_data_row:contains("Tour Customer Bravo"))) .o_data_row:contains("Tour Customer Alpha")',
        },
        {
            content: "Preview the reminder of another customer: its eye",
            trigger:
                '.modal .o_field_widget[name="line_ids"] .o_data_row:contains("Tour Customer Charlie") .o_field_widget[name="preview"] button',
            run: "click",
        },
        {
            content: "then Preview",
            trigger: '.modal .modal-footer button[name="action_preview"]',
            run: "click",
        },
        {
            content: "The preview shows that customer's email",
            trigger: '.modal .o_field_widget[name="preview_body"]:contains("Tour Customer Charlie")',
        },
        {
            content: "Launch",
            trigger: '.modal .modal-footer button[name="action_launch"]',
            run: "click",
        },
        {
            content: "Confirm the sending",
            trigger: '.modal .modal-footer button.btn-primary:contains("Ok")',
            run: "click",
        },
        {
            content: "The run is open and done",
            trigger: '.o_form_view .o_field_widget[name="state"] button[aria-checked="true"]:contains("Done")',
        },
        {
            content: "The line shows the full invoice number",
            trigger:
                '.o_field_widget[name="line_ids"] .o_data_row:contains("Tour Customer Alpha") td[name="move_names"]:contains("INV/")',
        },
        {
            content: "Open the email of a reminded customer",
            trigger:
                '.o_field_widget[name="line_ids"] .o_data_row:contains("Tour Customer Alpha") button[name="action_open_email"]',
            run: "click",
        },
        {
            content: "The email is addressed to the customer",
            trigger: '.modal .o_form_view .o_field_widget[name="body"]:contains("Tour Customer Alpha")',
        },
        {
            content: "and lists its invoice",
            trigger: '.modal .o_form_view .o_field_widget[name="body"]:contains("INV/")',
        },
        {
            content: "Its delivery",
            trigger: '.modal .o_notebook .nav-link[name="delivery"]',
            run: "click",
        },
        {
            content: "shows the status of the customer's notification",
            trigger: '.modal .o_field_widget[name="notification_ids"] .o_data_row:contains("Tour Customer Alpha")',
        },
    ],
});
