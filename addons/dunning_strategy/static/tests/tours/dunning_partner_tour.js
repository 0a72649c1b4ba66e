/** @odoo-module **/

import { registry } from "@web/core/registry";

/**
 * A credit controller opens a customer with a marker from the customers in dunning: the badge
 * shows, in the marker's colour, in the list and on its follow-up page, which lists its reminder history. The customer is created by tests/test_tours.py.
 */
registry.category("web_tour.tours").add("dunning_partner_tour", {
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
            content: "Filter on the marker in the side panel",
            trigger: '.o_search_panel_category_value header:contains("Relance 1")',
            run: "click",
        },
        {
            content: "The marker shows in the list, in the marker's colour (set to 9 by the test)",
            trigger:
                '.o_data_row:contains("Tour Marked Customer") .o_field_widget[name="marker_id"] .o_dunning_marker_badge.o_tag_color_9:contains("Relance 1")',
        },
        {
            content: "Open the customer's follow-up page",
            trigger: '.o_data_row:contains("Tour Marked Customer") td[name="partner_id"]',
            run: "click",
        },
        {
            content: "The marker badge is under the customer's name, in the marker's colour",
            trigger:
                '.o_form_view .oe_title .o_field_widget[name="dunning_marker_id"] .o_dunning_marker_badge.o_tag_color_9:contains("Relance 1")',
        },
        {
            content: "Open the reminders",
            trigger: '.o_notebook .nav-link[name="reminders"]',
            run: "click",
        },
        {
            content: "The history lists the reminders with their email",
            trigger:
                '.o_field_widget[name="dunning_followup_line_ids"] .o_data_row:contains("Relance 1") td[name="mail_message_id"]:contains("Tour Marked Customer")',
        },
        {
            trigger: '.o_field_widget[name="dunning_followup_line_ids"] .o_data_row:contains("Courtoisie")',
        },
        {
            content: "The next reminder date is shown",
            trigger: '.o_field_widget[name="dunning_followup_next_date"]:not(:empty)',
        },
    ],
});
