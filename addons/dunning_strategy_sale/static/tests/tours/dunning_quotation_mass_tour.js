import { registry } from "@web/core/registry";

const CUSTOMER = "Tour Opticien Lefevre";

registry.category("web_tour.tours").add("dunning_quotation_mass_tour", {
    steps: () => [
        {
            content: "The mass follow-up screen lists the open quotation of the tour customer",
            trigger: `.o_dunning_quotation_mass .o_field_widget[name=line_ids] .o_data_row:contains(${CUSTOMER})`,
        },
        {
            content: "Follow every quotation up by email",
            trigger: ".o_dunning_quotation_mass button[name=action_all_emails]",
            run: "click",
        },
        {
            content: "The email toggle of the tour quotation is on",
            trigger: `.o_data_row:contains(${CUSTOMER}) .o_field_widget[name=send_email] input:checked`,
        },
        {
            content: "Launch",
            trigger: ".o_dunning_quotation_mass button[name=action_launch]",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "The follow-ups are done",
            trigger: ".o_dunning_quotation_mass .alert-success:contains(Follow-ups done)",
            // every open quotation of the database is followed up, each with its quotation PDF
            // made by WeasyPrint: about 5 s on a quiet machine, three times more on a loaded one
            timeout: 60000,
        },
        {
            content: "Open the quotation from its follow-up",
            trigger: `.o_field_widget[name=result_line_ids] .o_data_row:contains(${CUSTOMER}) button[name=action_open_sale_order]`,
            run: "click",
        },
        {
            content: "The quotation counts one follow-up",
            trigger: ".o_form_view button[name=action_view_dunning_followups] .o_stat_value:contains(1)",
        },
        {
            content: "Open the follow-ups page of the quotation",
            trigger: ".o_form_view .o_notebook a.nav-link:contains(Follow-ups)",
            run: "click",
        },
        {
            content: "The history shows the email follow-up, done",
            trigger: ".o_field_widget[name=dunning_line_ids] .o_data_row:contains(Expiry):contains(Done)",
        },
    ],
});
