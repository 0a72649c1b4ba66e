/** @odoo-module **/

import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

import { Component } from "@odoo/owl";

/**
 * The marker of a customer, an invoice or a reminder, shown as a pill in the marker's own
 * colour (dunning.marker.color, Odoo's colour index, as the many2many_tags pills use it).
 *
 * The colour is read from an integer field of the same record, loaded with the record (no
 * request per row): by default the field named after the many2one, "marker_id" ->
 * "marker_color", "dunning_marker_id" -> "dunning_marker_color" (a related field on the
 * model), or the field given by the option color_field. A marker without colour (0) shows
 * as an uncoloured tag, as many2many_tags does.
 */
export class DunningMarkerBadge extends Component {
    static template = "dunning_strategy.DunningMarkerBadge";
    static props = {
        ...standardFieldProps,
        colorField: { type: String },
    };

    get markerName() {
        return this.props.record.data[this.props.name][1];
    }

    get colorIndex() {
        return this.props.record.data[this.props.colorField] || 0;
    }
}

export function markerColorField(fieldName, options) {
    return options.color_field || `${fieldName.replace(/_id$/, "")}_color`;
}

export const dunningMarkerBadge = {
    component: DunningMarkerBadge,
    displayName: _t("Dunning Marker Badge"),
    supportedTypes: ["many2one"],
    // laid out as the standard badge widget (lists align an o_field_badge as a pill, not as a many2one link)
    additionalClasses: ["o_field_badge"],
    supportedOptions: [
        {
            label: _t("Colour field"),
            name: "color_field",
            type: "string",
        },
    ],
    fieldDependencies: ({ name, options }) => [{ name: markerColorField(name, options), type: "integer" }],
    extractProps: ({ name, options }) => ({ colorField: markerColorField(name, options) }),
};

registry.category("fields").add("dunning_marker_badge", dunningMarkerBadge);
