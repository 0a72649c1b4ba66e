import { HtmlField, htmlField } from "@html_editor/fields/html_field";
import { registry } from "@web/core/registry";

/**
 * The editor of the confidential note. The standard HTML field stores a pasted or dropped
 * image as an attachment of the record on screen, the exchange, which every reader of the
 * exchange may read. Here images stay inside the note as data: URIs, behind the note's
 * record rules; the server also folds back into the note any image of the exchange that a
 * note refers to (exchange.confidential.note._inline_own_images).
 */
export class ConfidentialHtmlField extends HtmlField {
    getConfig() {
        const config = super.getConfig();
        config.dropImageAsAttachment = false;
        // No media dialog: it uploads its images as attachments of the exchange.
        config.disableImage = true;
        config.disableVideo = true;
        config.disableFile = true;
        return config;
    }
}

export const confidentialHtmlField = {
    ...htmlField,
    component: ConfidentialHtmlField,
    additionalClasses: ["o_field_html"],
    extractProps({ attrs, options }, dynamicInfo) {
        const props = htmlField.extractProps({ attrs, options }, dynamicInfo);
        props.embeddedComponents = false;
        return props;
    },
};

registry.category("fields").add("exchange_confidential_html", confidentialHtmlField);
