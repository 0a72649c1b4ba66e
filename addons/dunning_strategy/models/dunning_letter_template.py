import re
from dataclasses import dataclass
from datetime import date as date_type
from datetime import timedelta

from lxml import html as lxml_html

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.misc import formatLang

from ..tools.bank_account import format_account_number
from ..tools.late_fees import days_late
from ..tools.letter_pdf import LetterRenderError, check_letter_html, mjml_to_html
from ..tools.qr_code import qr_code_data_uri

_MJML_ROOT_RE = re.compile(r"^\s*(?:<!--.*?-->\s*)*<mjml[\s>/]", re.IGNORECASE | re.DOTALL)

DEFAULT_HTML_BODY = """<div>
    <p style="text-align: right;"><t t-out="company.city or ''"/>, <t t-out="format_date(date)"/></p>
    <p><strong>Subject: <t t-out="subject"/></strong><br/>
        <t t-if="payment_reference">Reference: <t t-out="payment_reference"/></t></p>
    <p>Dear <t t-out="contact.name"/>,</p>
    <p>Unless we are mistaken, the following invoices of <t t-out="customer.name"/> are still unpaid:</p>
    <table style="width: 100%; border-collapse: collapse; table-layout: fixed; margin: 4mm 0;">
        <tr style="border-bottom: 1px solid #000;">
            <th style="width: 24%; text-align: left;">Invoice</th>
            <th style="width: 15%; text-align: left;">Date</th>
            <th style="width: 15%; text-align: left;">Due date</th>
            <th style="width: 16%; text-align: right;">Total</th>
            <th style="width: 17%; text-align: right;">Amount due</th>
            <th style="width: 13%; text-align: right;">Days late</th>
        </tr>
        <tr t-foreach="invoices" t-as="invoice" style="border-bottom: 1px solid #ccc;">
            <td t-out="invoice.number"/>
            <td t-out="format_date(invoice.date)"/>
            <td t-out="format_date(invoice.date_due)"/>
            <td style="text-align: right;" t-out="format_amount(invoice.amount_total, invoice.currency)"/>
            <td style="text-align: right;" t-out="format_amount(invoice.amount_residual, invoice.currency)"/>
            <td style="text-align: right;" t-out="invoice.days_late"/>
        </tr>
    </table>
    <p>Total due: <strong t-out="format_amount(total_due, currency)"/></p>
    <p t-if="late_fees.total">Under articles L441-10 and D441-5 of the French Commercial Code, late-payment
        interest at <t t-out="late_fees.rate"/>% a year (<t t-out="format_amount(late_fees.interest, currency)"/>)
        and the fixed recovery indemnity (<t t-out="format_amount(late_fees.indemnity, currency)"/>) are due,
        that is <strong t-out="format_amount(late_fees.total, currency)"/> on <t t-out="format_date(date)"/>.</p>
    <p>Please settle this amount at your earliest convenience. If your payment has crossed this letter,
        please disregard it.</p>
    <p t-if="bank.iban"><img t-if="sepa_qr" t-att-src="sepa_qr" style="float: right; width: 24mm; height: 24mm; margin: 0 0 1mm 4mm;" alt=""/>Payment by bank transfer to <t t-out="bank.holder"/>:
        IBAN <strong style="white-space: nowrap;" t-out="bank.iban"/><t t-if="bank.bic">, BIC <t t-out="bank.bic"/></t>,
        quoting the reference <t t-out="payment_reference"/>.<t t-if="sepa_qr"> Or scan the SEPA QR code opposite with your banking app: it fills in the account, the amount due and the reference.</t></p>
    <div t-if="pay_links" style="clear: both; page-break-inside: avoid;">
        <p style="margin-bottom: 1mm;"><strong>Pay now</strong> online by card: scan the QR code of an invoice, or open its link below.</p>
        <div><span t-foreach="pay_links" t-as="link" style="display: inline-block; width: 28mm; margin: 0 3mm 1mm 0; font-size: 7pt; text-align: center;"><img t-att-src="link.qr" style="width: 18mm; height: 18mm;" alt=""/><br/><t t-out="link.number"/><br/><t t-out="format_amount(link.amount_residual, link.currency)"/></span></div>
        <p style="font-size: 6.5pt;"><t t-foreach="pay_links" t-as="link"><t t-out="link.number"/>: <t t-out="link.url"/><br/></t></p>
    </div>
    <div style="clear: both; page-break-inside: avoid;">
        <p>Yours sincerely,</p>
        <p><t t-if="signatory.name"><t t-out="signatory.name"/><br/></t><t t-if="signatory.title"><t t-out="signatory.title"/><br/></t><t t-out="company.name"/></p>
    </div>
</div>"""


@dataclass(frozen=True)
class LetterInvoice:
    """One overdue invoice as a letter template sees it (``invoices`` in the template)."""

    invoice: object
    number: str
    date: date_type
    date_due: date_type
    amount_total: float
    amount_residual: float
    currency: object
    days_late: int
    indemnity: float
    interest: float


@dataclass(frozen=True)
class LetterLateFees:
    """French late fees of the letter at the run date (``late_fees`` in the template); all
    amounts are zero when the strategy claims none or the customer is an individual."""

    rate: float
    indemnity: float
    interest: float
    total: float


@dataclass(frozen=True)
class LetterBankAccount:
    """The company's bank account a letter asks to pay to (``bank`` in the template): the one
    stated on the reminded invoices, else the company's first one. Empty strings when the
    company has none."""

    account: object
    holder: str
    iban: str
    bic: str
    bank_name: str


@dataclass(frozen=True)
class LetterPayLink:
    """The link to pay one invoice online (``pay_links`` in the template): its portal page with
    the access token, and the QR code of that link as a ``data:`` URI (letters are printed from
    HTML that loads no URL)."""

    invoice: object
    number: str
    amount_residual: float
    currency: object
    url: str
    qr: str


@dataclass(frozen=True)
class LetterSignatory:
    """Who signs the letter (``signatory`` in the template): the template's signatory, else the
    strategy's responsible, else the user who launched the run (never the system user)."""

    name: str
    title: str


class DunningLetterTemplate(models.Model):
    """A letter sent by post: HTML or MJML with QWeb placeholders, rendered per customer in its
    language with Odoo's mail rendering engine, then printed to PDF by WeasyPrint.

    Like ``mail.template``, the rendering is trusted (``_unrestricted_rendering``) because
    saving a template that runs code requires the group *Mail Template Editor*: other users
    may only write text and the plain placeholders of ``mail_allowed_qweb_expressions``.
    """

    _name = "dunning.letter.template"
    _inherit = ["mail.render.mixin"]
    _description = "Dunning Letter Template"
    _order = "sequence, name, id"
    _check_company_auto = True
    _unrestricted_rendering = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    subject = fields.Char(
        translate=True,
        render_engine="inline_template",
        default=lambda self: self.env._("Unpaid invoices: payment reminder"),
        help="Subject line of the letter (the subject placeholder), in the customer's language. "
        "Placeholders between double braces, as in email subjects: {{ object.partner_id.name }}.",
    )
    payment_deadline_days = fields.Integer(
        string="Payment Deadline (days)",
        default=8,
        help="Days given to pay from the date of the letter: the deadline of a formal notice "
        "(the deadline_date placeholder).",
    )
    signatory_name = fields.Char(
        string="Signatory",
        help="Name printed under the letter. Empty: the responsible of the strategy, else the user "
        "who launched the run.",
    )
    signatory_title = fields.Char(
        string="Signatory Title",
        translate=True,
        help="Position of the signatory, e.g. Credit manager. Empty: the job position of the signing user.",
    )
    company_id = fields.Many2one(
        "res.company",
        string="Company",
        index=True,
        default=lambda self: self.env.company,
        help="Leave empty to share the template between companies.",
    )
    body_type = fields.Selection(
        [("html", "HTML"), ("mjml", "MJML")],
        string="Format",
        required=True,
        default="html",
        help="HTML: the body is printed as written. MJML: the body is an <mjml> document, "
        "turned into HTML by mjml-python before printing.",
    )
    body = fields.Text(
        translate=True,
        render_engine="qweb",
        default=DEFAULT_HTML_BODY,
        help="QWeb template of the letter body. The address of the customer, the company header "
        "and footer are added around it. See the Placeholders tab.",
    )
    step_ids = fields.One2many("dunning.strategy.step", "letter_template_id", string="Steps")
    is_template_editor = fields.Boolean(compute="_compute_is_template_editor")

    @api.constrains("payment_deadline_days")
    def _check_payment_deadline_days(self):
        for template in self:
            if template.payment_deadline_days < 0:
                raise ValidationError(
                    self.env._(
                        "The payment deadline of the letter template %(template)s cannot be negative.",
                        template=template.name,
                    )
                )

    @api.constrains("body", "body_type")
    def _check_body(self):
        """A body that cannot be compiled is refused when saved, with the reason."""
        for template in self:
            body = template.body or ""
            if template.body_type == "mjml" and not _MJML_ROOT_RE.match(body):
                raise ValidationError(
                    self.env._(
                        "The letter template %(template)s is not MJML: its body must start with an <mjml> element.",
                        template=template.name,
                    )
                )
            if not body.strip():
                continue
            try:
                node = lxml_html.fragment_fromstring(body, create_parent="div")
                self.env["ir.qweb"]._compile(node)
            except Exception as error:  # QWeb raises many kinds of errors on a bad template
                raise ValidationError(
                    self.env._(
                        "The letter template %(template)s cannot be compiled: %(error)s",
                        template=template.name,
                        error=_error_text(error),
                    )
                ) from error

    def _compute_render_model(self):
        self.render_model = "dunning.run.line"

    def _compute_is_template_editor(self):
        self.is_template_editor = self.env.user.has_group("mail.group_mail_template_editor")

    # ------------------------------------------------------------------
    # Rendering
    # ------------------------------------------------------------------

    def _render_letters_html(self, lines, late_fees):
        """Render the letter body of each run line with this template, in its customer's
        language, MJML turned into HTML.

        :param late_fees: ``{line: tools.late_fees.LateFees}`` of the lines
        :return: ``(bodies, errors)``: ``{line: html}`` and ``{line: translated reason}`` for
            the lines whose letter cannot be printed (template error, not MJML, empty letter).
            Never raises for one customer's letter.
        """
        self.ensure_one()
        bodies, errors = {}, {}
        # the letters print each invoice's pay link: its access token, made for all at once
        lines.move_ids._dunning_ensure_access_tokens()
        for lang, lang_lines in lines.grouped(self._letter_lang).items():
            template = self.with_context(lang=lang)
            try:
                render = template._compile_body()
            except Exception as error:  # a template can raise anything: its lines fail, the run goes on
                for line in lang_lines:
                    errors[line] = template._render_error_message(error)
                continue
            for line in lang_lines.with_context(lang=lang):
                try:
                    rendered = render(line, template._prepare_letter_values(line, late_fees.get(line)))
                    body = mjml_to_html(rendered) if self.body_type == "mjml" else rendered
                    check_letter_html(body)
                except LetterRenderError as error:
                    errors[line] = self._letter_error_message(error)
                except Exception as error:  # same: only this customer's letter fails
                    errors[line] = template._render_error_message(error)
                else:
                    bodies[line] = body
        return bodies, errors

    def _compile_body(self):
        """Compile the body (QWeb, in the context's language) once and return a function
        ``render(line, values) -> str`` rendering it on one run line, with the compiler,
        sandbox and evaluation context of ``mail.render.mixin`` (see
        ``_compile_qweb_renderer``)."""
        self.ensure_one()
        render = self._compile_qweb_renderer(self.body)
        return lambda line, values: str(render(line, values))

    def _render_error_message(self, error):
        return self.env._(
            "The letter template %(template)s cannot be rendered: %(error)s",
            template=self.name,
            error=_error_text(error),
        )

    @api.model
    def _letter_lang(self, line):
        """Language of a customer's letter: its recipient's, else the customer's, else the user's."""
        for lang in (line.recipient_id.lang, line.partner_id.lang, self.env.lang):
            if lang and self.env["res.lang"]._lang_get(lang):
                return lang
        return "en_US"

    def _prepare_letter_values(self, line, fees):
        """Variables this letter template sees besides ``object`` (the run line): see the
        Placeholders tab of the form and readme/CONFIGURE.md. The subject is rendered last, so
        that it may use the others."""
        self.ensure_one()
        company = line.company_id
        currency = line.currency_id
        fee_lines = {fee.invoice["move"]: fee for fee in fees.lines} if fees else {}
        invoices = []
        for move in line.move_ids.sorted(lambda m: (m.invoice_date_due or m.date, m.id)):
            fee = fee_lines.get(move)
            late = days_late(move.invoice_date_due, line.date) if move.invoice_date_due else 0
            invoices.append(
                LetterInvoice(
                    invoice=move,
                    number=move.name,
                    date=move.invoice_date,
                    date_due=move.invoice_date_due,
                    amount_total=move.amount_total,
                    amount_residual=move.amount_residual,
                    currency=move.currency_id,
                    days_late=late,
                    indemnity=float(fee.indemnity) if fee else 0.0,
                    interest=float(fee.interest) if fee else 0.0,
                )
            )
        late_fees = LetterLateFees(
            rate=line.strategy_id.late_interest_rate if fees else 0.0,
            indemnity=float(fees.indemnity_total) if fees else 0.0,
            interest=float(fees.interest_total) if fees else 0.0,
            total=float(fees.total) if fees else 0.0,
        )
        strategy = line.run_id.strategy_id
        moves = line.move_ids.sorted(lambda m: (m.invoice_date_due or m.date, m.id))
        payment_reference = ", ".join(dict.fromkeys(move.payment_reference or move.name for move in moves))
        bank = self._letter_bank_account(company, moves)
        values = {
            "customer": line.partner_id,
            "contact": line.recipient_id or line.partner_id,
            "invoices": invoices,
            "total_due": line.amount_residual,
            "late_fees": late_fees,
            "total_with_fees": currency.round(line.amount_residual + late_fees.total),
            "currency": currency,
            "company": company,
            "date": line.date,
            "step": line.step_id,
            # the reference customers quote with their transfer: each invoice's own
            "payment_reference": payment_reference,
            "bank": bank,
            "pay_links": self._letter_pay_links(moves),
            "sepa_qr": self._letter_sepa_qr(bank, line, payment_reference),
            "signatory": self._letter_signatory(line),
            # French law: late-payment interest (L441-10) and the recovery indemnity (D441-5)
            # apply between businesses only, never to an individual
            "business": bool(line.partner_id.commercial_partner_id.is_company),
            "interest_rate": formatLang(self.env, strategy.late_interest_rate, digits=2),
            "recovery_indemnity": strategy.late_fee_indemnity,
            "deadline_days": self.payment_deadline_days,
            "deadline_date": line.date + timedelta(days=self.payment_deadline_days),
        }
        values["subject"] = self._render_subject(line, values)
        return values

    def _render_subject(self, line, values):
        """The subject of the letter of ``line`` (inline template, in the context's language)."""
        if not self.subject:
            return ""
        rendered = self._render_template_inline_template(self.subject, "dunning.run.line", line.ids, add_context=values)
        return rendered[line.id]

    @api.model
    def _letter_bank_account(self, company, moves):
        """The company's account to pay to: the one the invoices state, else its first one."""
        account = moves.partner_bank_id.filtered(lambda bank: bank.partner_id == company.partner_id)[:1]
        account = account or company.partner_id.bank_ids[:1]
        return LetterBankAccount(
            account=account,
            holder=account.acc_holder_name or account.partner_id.name or "" if account else "",
            iban=format_account_number(account.acc_number) if account else "",
            bic=account.bank_bic or "" if account else "",
            bank_name=account.bank_name or "" if account else "",
        )

    @api.model
    def _letter_pay_links(self, moves):
        """Each invoice's link to pay it online (Odoo's invoice portal with its access token,
        where ``account_payment`` offers the payment providers) and the QR code of that link."""
        links = []
        for move in moves:
            url = move._dunning_pay_url()
            links.append(
                LetterPayLink(
                    invoice=move,
                    number=move.name,
                    amount_residual=move.amount_residual,
                    currency=move.currency_id,
                    url=url,
                    qr=qr_code_data_uri(url),
                )
            )
        return links

    @api.model
    def _letter_sepa_qr(self, bank, line, payment_reference):
        """The SEPA credit transfer QR code (EPC) of the amount due to the company's account, as
        a ``data:`` URI; ``""`` when the account is not a SEPA IBAN, the amount is not in euros
        or no invoice is due (a quotation's letter). The checks and the payload are
        ``account_qr_code_sepa``'s own; only the drawing is ours (``tools/qr_code.py``: Odoo's
        barcode image costs 25 times more)."""
        if not bank.account or not line.move_ids or line.amount_residual <= 0:
            return ""
        vals = bank.account._build_qr_code_vals(
            line.amount_residual,
            payment_reference,
            payment_reference,
            line.currency_id,
            line.partner_id.commercial_partner_id,
            qr_method="sct_qr",
            silent_errors=True,
        )
        if not vals:
            return ""
        return qr_code_data_uri(bank.account._get_qr_code_generation_params(**vals)["value"])

    def _letter_signatory(self, line):
        """The template's signatory, else the strategy's responsible, else the user who
        launched the run; a scheduled run is launched by the system user, who signs nothing."""
        user = line.run_id.strategy_id.responsible_id
        if not user:
            launcher = line.run_id.user_id
            user = launcher if launcher and not launcher._is_superuser() and not launcher.share else launcher.browse()
        return LetterSignatory(
            name=self.signatory_name or user.name or "",
            title=self.signatory_title or (user.partner_id.function if user else "") or "",
        )

    @api.model
    def _letter_error_message(self, error):
        """Translated reason of a ``LetterRenderError``, shown on the failed run line."""
        template = self.name or ""
        detail = error.detail or str(error)
        if error.code == LetterRenderError.NOT_MJML:
            return self.env._(
                "The letter template %(template)s is not MJML: it must start with an <mjml> element.",
                template=template,
            )
        if error.code == LetterRenderError.MJML_SYNTAX:
            return self.env._(
                "The MJML of the letter template %(template)s cannot be read: %(detail)s",
                template=template,
                detail=detail,
            )
        if error.code == LetterRenderError.EMPTY_LETTER:
            return self.env._("The letter template %(template)s produced an empty letter.", template=template)
        if error.code == LetterRenderError.BAD_HTML:
            return self.env._(
                "The letter of the template %(template)s is not readable HTML: %(detail)s",
                template=template,
                detail=detail,
            )
        return self.env._("The letter cannot be printed: %(detail)s", detail=detail)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_check_template(self):
        """Render the template on the most recent run line of its company, to try it."""
        self.ensure_one()
        line = self.env["dunning.run.line"].search(
            [("company_id", "in", (self.company_id or self.env.company).ids)], order="id desc", limit=1
        )
        if not line:
            raise UserError(self.env._("There is no reminder yet to try the template on."))
        fees = self.env["dunning.document"]._compute_late_fees(line)
        _bodies, errors = self._render_letters_html(line, {line: fees})
        if errors:
            raise UserError(errors[line])
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("The template renders on %(customer)s.", customer=line.partner_id.display_name),
            },
        }


def _error_text(error):
    """The innermost cause of a rendering error, as one readable line."""
    while error.__cause__ is not None:
        error = error.__cause__
    text = str(error).strip().splitlines()
    return f"{error.__class__.__name__}: {text[0] if text else ''}".rstrip(": ")
