import { formatDateTime } from "@web/core/l10n/dates";
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

const FOLLOWUP_DATE = "01/15/2035 10:00:00";

/**
 * Steps reaching a smart button, wherever the form put it: in the button box, or in its
 * "More" dropdown when other addons add many buttons. With ``value``, only check the button
 * shows it; otherwise click it.
 */
function openSmartButton(name, content, value) {
    const button = `button[name=${name}]`;
    return [
        {
            content,
            trigger: ".o_form_view .o-form-buttonbox",
            run() {
                const more = document.querySelector(".o_form_view .o-form-buttonbox .o_button_more");
                if (!document.querySelector(button) && more) {
                    more.click();
                }
            },
        },
        value
            ? { trigger: `${button} .o_stat_value:contains(${value})` }
            : { trigger: button, run: "click" },
    ];
}

registry.category("web_tour.tours").add("exchange_tracking_systray_tour", {
    steps: () => [
        {
            content: "The partner form is on screen",
            trigger: ".o_breadcrumb:contains(Tour Bakery SARL)",
        },
        {
            content: "Log an exchange from the systray",
            trigger: ".o_exchange_systray_button",
            run: "click",
        },
        {
            content: "The dialog is pre-filled with the partner on screen",
            trigger: ".modal .o_field_widget[name=partner_id] input:value(Tour Bakery SARL)",
        },
        {
            content: "Choose the subject",
            trigger: ".modal .o_field_widget[name=subject_id] input",
            run: "edit Customer follow",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains(Customer follow-up)",
            run: "click",
        },
        {
            content: "Describe the exchange",
            trigger: ".modal .o_field_widget[name=description] .odoo-editor-editable",
            run: "editor New bread range presented",
        },
        {
            content: "Open the follow-up tab",
            trigger: ".modal .o_notebook a.nav-link:contains(Follow-up)",
            run: "click",
        },
        {
            content: "Plan the follow-up",
            trigger: ".modal .o_field_widget[name=followup_datetime] input",
            run: `edit ${FOLLOWUP_DATE}`,
        },
        {
            content: "Close the date picker",
            trigger: ".modal .o_field_widget[name=followup_note] textarea",
            run: "edit Call back with the price list",
        },
        {
            content: "Ask for a reminder (by email, the default)",
            trigger: ".modal .o_field_widget[name=followup_reminder] input",
            run: "check",
        },
        {
            content: "30 minutes before",
            trigger: ".modal .o_field_widget[name=followup_reminder_duration] input",
            run: "edit 30",
        },
        {
            content: "Open the confidential tab",
            trigger: ".modal .o_notebook a.nav-link:contains(Confidential)",
            run: "click",
        },
        {
            content: "Write the confidential note",
            trigger: ".modal .o_field_widget[name=confidential_note] .odoo-editor-editable",
            run: "editor Secret discount of 12 percent",
        },
        {
            content: "Save the exchange",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "The dialog is closed",
            trigger: "body:not(:has(.modal))",
        },
        ...openSmartButton("action_view_exchange_history", "Open the partner's history"),
        {
            content: "The exchange is in the history",
            trigger: ".o_exchange_history_table tr.o_exchange_history_exchange:contains(EXC-):contains(Customer follow-up):contains(New bread range)",
        },
        {
            content: "Back to the partner",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains(Tour Bakery SARL)",
            run: "click",
        },
        ...openSmartButton("action_view_exchanges", "The smart button counts the exchange", "1"),
    ],
});

registry.category("web_tour.tours").add("exchange_tracking_outsider_tour", {
    steps: () => [
        {
            content: "The outsider opens the exchange",
            trigger: ".o_form_view .o_field_widget[name=partner_id]:contains(Tour Bakery SARL)",
        },
        {
            content: "The rest of the exchange is readable",
            trigger: ".o_form_view .o_field_widget[name=description]:contains(New bread range)",
        },
        {
            content: "No confidential tab, no confidential text anywhere",
            trigger: ".o_form_view .o_notebook:not(:has(a.nav-link:contains(Confidential)))",
        },
        {
            trigger: "body:not(:contains(Secret discount))",
        },
        {
            content: "Search the exchanges on the confidential note: nothing matches",
            trigger: ".o_breadcrumb .o_back_button, .o_breadcrumb .breadcrumb-item a",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row",
        },
        {
            trigger: ".o_searchview_input",
            run: "edit Secret discount",
        },
        {
            trigger: ".o_searchview_autocomplete .dropdown-item:contains(Confidential Note)",
            run: "click",
        },
        {
            content: "The list is empty for the outsider",
            trigger: ".o_view_nocontent, .o_list_view:not(:has(.o_data_row))",
        },
    ],
});

registry.category("web_tour.tours").add("exchange_tracking_form_button_tour", {
    steps: () => [
        {
            content: "Click the header button of the contact",
            trigger: ".o_form_view .o_form_statusbar button[name=action_log_exchange]",
            run: "click",
        },
        {
            content: "The company is the partner, the person is the contact",
            trigger: ".modal .o_field_widget[name=partner_id] input:value(Tour Bakery SARL)",
        },
        {
            trigger: ".modal .o_field_widget[name=contact_ids] .o_tag:contains(Anne Tour)",
        },
        {
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        ...openSmartButton("action_view_exchanges", "The contact's form reloads with the new count", "1"),
    ],
});

registry.category("web_tour.tours").add("exchange_tracking_settings_tour", {
    steps: () => [
        {
            content: "The systray button is there before",
            trigger: ".o_main_navbar .o_exchange_systray_button",
        },
        {
            content: "Open the Exchanges settings",
            trigger: ".settings_tab .tab[data-key=exchange_tracking]",
            run: "click",
        },
        {
            trigger: ".app_settings_block[data-key=exchange_tracking] #exchange_button_display",
        },
        {
            content: "Keep only the button on forms",
            trigger: "#exchange_button_display .o_radio_item:contains(Button on forms) input",
            run: "click",
        },
        {
            content: "Show the past follow-ups of the last 3 days",
            trigger: "#exchange_followup_past_days .o_field_widget[name=exchange_followup_past_days] input",
            run: "edit 3",
        },
        {
            trigger: ".o_control_panel .o_form_button_save",
            run: "click",
        },
        {
            content: "Saved and reloaded: the systray button is gone",
            trigger: ".o_main_navbar:not(:has(.o_exchange_systray_button)) .o_menu_systray",
        },
    ],
});

registry.category("web_tour.tours").add("exchange_tracking_followup_calendar_tour", {
    steps: () => {
        // Tomorrow at 10:00: the calendar's day view shows it one "next" away from today.
        const followupDate = luxon.DateTime.now()
            .plus({ days: 1 })
            .set({ hour: 10, minute: 0, second: 0, millisecond: 0 });
        return [
            {
                content: "A new exchange",
                trigger: ".o_form_view .o_field_widget[name=partner_id] input",
                run: "edit Tour Bakery",
            },
            {
                trigger: ".o-autocomplete--dropdown-item a:contains(Tour Bakery SARL)",
                run: "click",
            },
            {
                content: "Open the follow-up tab",
                trigger: ".o_form_view .o_notebook a.nav-link:contains(Follow-up)",
                run: "click",
            },
            {
                content: "Plan the follow-up tomorrow at 10:00",
                trigger: ".o_form_view .o_field_widget[name=followup_datetime] input",
                run: `edit ${formatDateTime(followupDate)}`,
            },
            {
                content: "Close the date picker",
                trigger: ".o_form_view .o_field_widget[name=followup_note] textarea",
                run: "edit Present the calendar of deliveries",
            },
            {
                content: "Ask for a reminder",
                trigger: ".o_form_view .o_field_widget[name=followup_reminder] input",
                run: "check",
            },
            {
                content: "By a notification",
                trigger: ".o_form_view .o_field_widget[name=followup_reminder_type] .o_radio_item:contains(Notification) input",
                run: "click",
            },
            {
                content: "2 hours before",
                trigger: ".o_form_view .o_field_widget[name=followup_reminder_duration] input",
                run: "edit 2",
            },
            {
                trigger: ".o_form_view .o_field_widget[name=followup_reminder_interval] select",
                run: 'select "hours"',
            },
            {
                content: "Save the exchange",
                trigger: ".o_form_view .o_form_button_save",
                run: "click",
            },
            {
                content: "Saved: the follow-up has its calendar event",
                trigger: ".o_form_view .o_field_widget[name=followup_event_id] a",
            },
            stepUtils.showAppsMenuItem(),
            {
                content: "Open the Calendar",
                trigger: '.o_app[data-menu-xmlid="calendar.mail_menu_calendar"]',
                run: "click",
            },
            {
                content: "Show one day",
                trigger: ".o_calendar_view .scale_button_selection",
                run: "click",
            },
            {
                trigger: ".o_scale_button_day",
                run: "click",
            },
            {
                content: "Go to tomorrow",
                trigger: ".o_calendar_view .o_calendar_button_next",
                run: "click",
            },
            {
                content: "The follow-up is in the agenda",
                trigger: ".o_calendar_renderer .fc-event .o_event_title:contains(Follow-up of EXC-):contains(Tour Bakery SARL)",
            },
        ];
    },
});
