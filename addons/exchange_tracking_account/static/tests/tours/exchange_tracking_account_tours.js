import { registry } from "@web/core/registry";

const REFERENCE = ".modal .o_field_widget[name=res_reference]";

registry.category("web_tour.tours").add("exchange_tracking_account_pick_invoice_tour", {
    steps: () => [
        {
            content: "The customer's form is on screen",
            trigger: ".o_breadcrumb:contains(Tour Fournil SARL)",
        },
        {
            content: "Log an exchange from the systray",
            trigger: ".o_exchange_systray_button",
            run: "click",
        },
        {
            content: "The dialog is pre-filled with the customer, no document",
            trigger: ".modal .o_field_widget[name=partner_id] input:value(Tour Fournil SARL)",
        },
        {
            content: "The kinds of document are business documents, not technical models",
            trigger: `${REFERENCE} select:has(option:contains(Invoice)):not(:has(option[value='res.users'], option[value='res.partner']))`,
        },
        {
            content: "Pick the kind: an invoice",
            trigger: `${REFERENCE} select`,
            run: "selectByLabel Invoice",
        },
        {
            content: "Search the customer's invoice",
            trigger: `${REFERENCE} .o_field_many2one_selection input`,
            run: "edit Tour Fournil",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains(INV/)",
            run: "click",
        },
        {
            content: "The invoice is chosen",
            trigger: `${REFERENCE} .o_field_many2one_selection input:value(INV/)`,
        },
        {
            content: "Save the exchange",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "Saved: the dialog is closed, no error",
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "Open the customer's exchanges",
            trigger: ".o_form_view .o-form-buttonbox",
            run() {
                const more = document.querySelector(".o_form_view .o-form-buttonbox .o_button_more");
                if (!document.querySelector("button[name=action_view_exchanges]") && more) {
                    more.click();
                }
            },
        },
        {
            trigger: "button[name=action_view_exchanges]",
            run: "click",
        },
        {
            content: "The list shows the invoice as the exchange's document",
            trigger: ".o_list_view .o_data_row td[name=res_reference]:contains(INV/)",
            run: "click",
        },
        {
            content: "The exchange's form shows the invoice",
            trigger: ".o_form_view .o_field_widget[name=res_reference] .o_field_many2one_selection input:value(INV/)",
        },
        {
            trigger: ".o_form_view button[name=action_open_document]",
        },
    ],
});
