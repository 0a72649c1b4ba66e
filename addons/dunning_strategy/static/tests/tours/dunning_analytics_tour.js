/** @odoo-module **/

import { registry } from "@web/core/registry";

/**
 * A credit controller opens the step effectiveness graph from the Dunning menu, then the
 * figures of a customer in its dunning tab. The history is built by tests/test_analytics_tours.py.
 */
registry.category("web_tour.tours").add("dunning_effectiveness_tour", {
    steps: () => [
        {
            content: "Open the Dunning menu",
            trigger: 'button[data-menu-xmlid="dunning_strategy.menu_dunning_root"]',
            run: "click",
        },
        {
            content: "Step effectiveness",
            trigger: '.dropdown-item[data-menu-xmlid="dunning_strategy.menu_dunning_step_effectiveness"]',
            run: "click",
        },
        {
            content: "The graph shows the share paid within 15 days",
            trigger: '.o_graph_view .o_graph_renderer canvas',
        },
        {
            content: "Switch to the pivot",
            trigger: ".o_control_panel .o_switch_view.o_pivot",
            run: "click",
        },
        {
            content: "The pivot shows the share paid within 15 days per strategy and step",
            trigger: '.o_pivot th:contains("Paid within 15 Days")',
        },
    ],
});

registry.category("web_tour.tours").add("dunning_customer_figures_tour", {
    steps: () => [
        {
            content: "Open the dunning tab of the customer",
            trigger: '.o_form_view .o_notebook .nav-link[name="dunning"]',
            run: "click",
        },
        {
            content: "The overdue amount of the customer",
            trigger: '.o_field_widget[name="dunning_amount_overdue"]:contains("500.00")',
        },
        {
            content: "The reminders of the last 12 months",
            trigger: '.o_field_widget[name="dunning_reminder_count_12m"]:contains("2")',
        },
    ],
});
