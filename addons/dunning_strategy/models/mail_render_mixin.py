from lxml import html as lxml_html
from markupsafe import Markup

from odoo import api, models
from odoo.tools import safe_eval

# the model every dunning template (email and letter) is rendered on
DUNNING_RENDER_MODEL = "dunning.run.line"


def _memoized(function):
    """``function`` with its results kept per arguments (unhashable arguments: not kept)."""
    results = {}

    def call(*args, **kwargs):
        try:
            key = (args, tuple(sorted(kwargs.items())))
            hash(key)
        except TypeError:
            return function(*args, **kwargs)
        if key not in results:
            results[key] = function(*args, **kwargs)
        return results[key]

    return call


class MailRenderMixin(models.AbstractModel):
    """Render a QWeb template on many run lines with one compilation.

    ``_render_template_qweb`` compiles the template again for every record: on a batch of
    100 reminders, compiling costs four times the rendering. The templates of dunning steps
    and letters (rendered on ``dunning.run.line``) are compiled once per call instead, with
    the same compiler, options, evaluation context and sandbox.
    """

    _inherit = "mail.render.mixin"

    def _compile_qweb_renderer(self, template_src, options=None):
        """Compile ``template_src`` (QWeb, in the context's language) once; return a function
        ``render(record, values=None) -> Markup`` rendering it on one record, as
        ``_render_template_qweb`` does (``object`` is the record, ``values`` come on top of
        ``_render_eval_context``)."""
        QWeb = self.env["ir.qweb"].with_context(**(options or {}))
        node = lxml_html.fragment_fromstring(template_src or "", create_parent="div")
        functions, def_name = QWeb._compile(node)
        render_template = functions[def_name]
        eval_context = self._render_eval_context()
        # the invoice tables format the same dates and amounts again and again: each value is
        # formatted once per compilation (same language, same currencies: same text)
        for name in ("format_date", "format_amount"):
            eval_context[name] = _memoized(eval_context[name])

        def render(record, values=None):
            values = {**eval_context, **(values or {}), "object": record}
            qweb = QWeb._prepare_environment(values)
            safe_eval.check_values(values)
            # drop the <div> wrapping the fragment, as _render_template_qweb does
            return Markup("".join(render_template(qweb, values)))[5:-6]

        return render

    @api.model
    def _render_template_qweb(self, template_src, model, res_ids, add_context=None, options=None):
        if not self._render_qweb_once(template_src, model, res_ids):
            return super()._render_template_qweb(template_src, model, res_ids, add_context, options)
        try:
            render = self._compile_qweb_renderer(template_src, options)
            return {record.id: render(record, add_context) for record in self.env[model].browse(res_ids)}
        except Exception:  # the standard path raises the standard error for the faulty record
            return super()._render_template_qweb(template_src, model, res_ids, add_context, options)

    def _render_qweb_once(self, template_src, model, res_ids):
        """Whether ``_render_template_qweb`` compiles once: templates of run lines, rendered on
        several lines, that need the QWeb engine, in trusted rendering (the restricted mode
        checks each expression of the template: the standard path keeps it)."""
        if model != DUNNING_RENDER_MODEL or len(res_ids) < 2 or not template_src:
            return False
        restricted = (
            not self._unrestricted_rendering
            and not self.env.is_admin()
            and not self.env.user.has_group("mail.group_mail_template_editor")
        )
        return not restricted and self._has_unsafe_expression_template_qweb(template_src, model)
