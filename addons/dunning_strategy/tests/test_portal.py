import json
import re
from datetime import timedelta
from urllib.parse import urlsplit

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .letters_common import DunningLettersCommon

PAY_LINK_RE = re.compile(r'href="([^"]*/my/invoices/\d+\?access_token=[^"]+)"')


@tagged("post_install", "-at_install")
class TestDunningPortal(DunningLettersCommon, HttpCase):
    """The customer's side over HTTP: the pay link of a sent reminder opens the invoice's
    payment page, and /my/dunning shows the logged-in customer its own invoices, reminders,
    promises and disputes only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param("account_payment.enable_portal_payment", "True")
        cls.step2.write({"print_letter": True, "letter_template_id": cls.letter_template.id})
        cls.salesperson = new_test_user(
            cls.env, login="dunning_portal_sales", groups="base.group_user,account.group_account_invoice"
        )
        cls.customer_a = cls._create_company_customer("Alpha Portal Customer")
        cls.customer_b = cls._create_company_customer("Bravo Portal Customer")
        cls.portal_a = cls._portal_user("dunning_portal_a", cls.customer_a)
        cls.portal_b = cls._portal_user("dunning_portal_b", cls.customer_b)
        cls.invoices_a = cls._create_invoices(
            [
                {**cls._invoice_vals(cls.customer_a, cls._days_ago(9)), "invoice_user_id": cls.salesperson.id},
                {**cls._invoice_vals(cls.customer_a, cls._days_ago(8)), "invoice_user_id": cls.salesperson.id},
            ]
        )
        cls.invoice_b = cls._create_invoice(cls.customer_b, cls._days_ago(8))
        run = cls.strategy._create_run(cls.run_date, "manual")
        run.action_process()
        cls.line_a = run.line_ids.filtered(lambda line: line.partner_id == cls.customer_a)
        cls.line_b = run.line_ids.filtered(lambda line: line.partner_id == cls.customer_b)

    @classmethod
    def _portal_user(cls, login, customer):
        """A portal user who is a contact of ``customer`` (its commercial partner)."""
        user = new_test_user(cls.env, login=login, password=login, groups="base.group_portal")
        user.partner_id.write({"parent_id": customer.id, "email": f"{login}@customer.example.com"})
        return user

    def _path(self, url):
        parts = urlsplit(url)
        return f"{parts.path}?{parts.query}" if parts.query else parts.path

    def _csrf_token(self):
        page = self.url_open("/my/dunning").text
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    # ------------------------------------------------------------------
    # Pay now
    # ------------------------------------------------------------------

    def test_pay_link_of_a_sent_reminder_opens_the_invoice_payment_page(self):
        self.assertEqual(self.line_a.state, "done", self.line_a.error)
        body = self._mails_of(self.customer_a).body_html.replace("&amp;", "&")
        links = PAY_LINK_RE.findall(body)
        self.assertEqual(len(links), 2, "one pay link per invoice listed")
        invoice = self.invoices_a[0]
        self.assertEqual(
            {self._path(link) for link in links},
            {f"/my/invoices/{move.id}?access_token={move.access_token}" for move in self.invoices_a},
        )
        link = next(link for link in links if f"/my/invoices/{invoice.id}?" in link)
        # the customer, not logged in, opens the link of the email
        response = self.url_open(self._path(link))
        self.assertEqual(response.status_code, 200)
        self.assertIn(f"/my/invoices/{invoice.id}", response.url)
        self.assertIn(invoice.name, response.text)
        self.assertIn('id="portal_pay"', response.text, "account_payment's pay panel is on the page")
        self.assertIn("Pay Now", response.text)

    def test_invoice_page_needs_its_own_token(self):
        first, second = self.invoices_a.sorted("invoice_date_due")
        self.authenticate("dunning_portal_b", "dunning_portal_b")
        for path in (
            f"/my/invoices/{first.id}",
            f"/my/invoices/{first.id}?access_token={second.access_token}",
        ):
            response = self.url_open(path)
            self.assertNotIn(first.name, response.text, path)
            self.assertFalse(urlsplit(response.url).path.startswith(f"/my/invoices/{first.id}"), path)
        # with its own token, the same page opens
        response = self.url_open(f"/my/invoices/{first.id}?access_token={first.access_token}")
        self.assertIn(first.name, response.text)

    # ------------------------------------------------------------------
    # /my/dunning
    # ------------------------------------------------------------------

    def test_portal_page_shows_the_customer_its_own_invoices_and_reminders_only(self):
        self.authenticate("dunning_portal_a", "dunning_portal_a")
        page = self.url_open("/my/dunning")
        self.assertEqual(page.status_code, 200)
        for invoice in self.invoices_a:
            self.assertIn(invoice.name, page.text)
            self.assertIn(f'href="/my/invoices/{invoice.id}?access_token={invoice.access_token}"', page.text)
        self.assertNotIn(self.invoice_b.name, page.text)
        self.assertIn(f"/my/dunning/letter/{self.line_a.id}", page.text)
        self.assertNotIn(f"/my/dunning/letter/{self.line_b.id}", page.text)
        self.assertIn("Reminder 1", page.text)

        letter = self.url_open(f"/my/dunning/letter/{self.line_a.id}")
        self.assertEqual(letter.status_code, 200)
        self.assertEqual(letter.headers["Content-Type"], "application/pdf")
        self.assertEqual(letter.content, self.line_a.letter_attachment_id.raw)
        self.assertEqual(self.url_open(f"/my/dunning/letter/{self.line_b.id}").status_code, 404)
        self.assertEqual(self.url_open("/my/dunning/letter/999999999").status_code, 404)

        counters = self.url_open(
            "/my/counters",
            data=json.dumps({"params": {"counters": ["dunning_count"]}}),
            headers={"Content-Type": "application/json"},
        ).json()["result"]
        self.assertEqual(counters["dunning_count"], 1, "the home entry counts the customer's reminders")

        self.authenticate("dunning_portal_b", "dunning_portal_b")
        page = self.url_open("/my/dunning")
        self.assertIn(self.invoice_b.name, page.text)
        self.assertFalse([invoice for invoice in self.invoices_a if invoice.name in page.text])

    def test_portal_users_have_no_right_on_dunning_records(self):
        """The page reads through the controller's checked sudo(): no access right lets a
        portal user read reminders or promises himself (over RPC, for instance)."""
        for model in ("dunning.run.line", "dunning.run", "dunning.promise"):
            self.assertFalse(self.env[model].with_user(self.portal_a).has_access("read"), model)
            with self.assertRaises(AccessError):
                self.env[model].with_user(self.portal_a).search([])
        with self.assertRaises(AccessError):
            self.env["dunning.promise"].with_user(self.portal_a).create(
                {"partner_id": self.customer_a.id, "date": fields.Date.today(), "invoice_ids": self.invoices_a.ids}
            )

    def test_portal_page_needs_a_login(self):
        response = self.url_open("/my/dunning")
        self.assertIn("/web/login", response.url)
        self.assertNotIn(self.invoices_a[0].name, response.text)
        response = self.url_open(f"/my/dunning/letter/{self.line_a.id}")
        self.assertNotEqual(response.headers.get("Content-Type"), "application/pdf")

    # ------------------------------------------------------------------
    # Promises and disputes
    # ------------------------------------------------------------------

    def _post(self, path, data):
        response = self.url_open(path, data={**data, "csrf_token": self._csrf_token()})
        self.env.invalidate_all()  # the server wrote in the test's transaction
        return response

    def test_customer_records_a_promise_on_its_own_invoices(self):
        self.authenticate("dunning_portal_a", "dunning_portal_a")
        promised = fields.Date.today() + timedelta(days=10)
        response = self._post(
            "/my/dunning/promise",
            {
                "date": str(promised),
                "amount": "1500,50",
                "note": "Virement fin de mois",
                "invoice_ids": self.invoices_a.ids,
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("your promise to pay is recorded", response.text)
        promise = self.env["dunning.promise"].search([("partner_id", "=", self.customer_a.id)])
        self.assertEqual(len(promise), 1)
        self.assertEqual(promise.invoice_ids, self.invoices_a)
        self.assertEqual((promise.date, promise.amount, promise.origin), (promised, 1500.5, "portal"))
        self.assertEqual(promise.user_id, self.portal_a)
        self.assertEqual(promise.note, "Virement fin de mois")
        self.assertIn("1,500.50", self.url_open("/my/dunning").text.replace("\u00a0", " "))

    def test_promise_refuses_foreign_invoices_and_bad_input(self):
        self.authenticate("dunning_portal_a", "dunning_portal_a")
        tomorrow = str(fields.Date.today() + timedelta(days=1))
        cases = [
            ({"invoice_ids": [self.invoice_b.id]}, "You can only choose your own open invoices."),
            (
                {"invoice_ids": [self.invoices_a[0].id, self.invoice_b.id]},
                "You can only choose your own open invoices.",
            ),
            ({"invoice_ids": ["abc"]}, "Choose invoices from the list."),
            ({"invoice_ids": []}, "Choose the invoices you promise to pay."),
            ({"date": str(fields.Date.today() - timedelta(days=1))}, "cannot be in the past"),
            ({"date": "31/31/2026"}, "Enter the date of your payment."),
            ({"amount": "0"}, "must be greater than zero"),
            ({"amount": "-5"}, "must be greater than zero"),
            ({"amount": "nan"}, "must be greater than zero"),
            ({"amount": "beaucoup"}, "Enter the amount you will pay, as a number."),
        ]
        for change, error in cases:
            data = {"date": tomorrow, "amount": "100", "invoice_ids": self.invoices_a[:1].ids, **change}
            response = self._post("/my/dunning/promise", data)
            self.assertEqual(response.status_code, 200, change)
            self.assertIn("o_dunning_error", response.text, change)
            self.assertIn(error, response.text.replace("&#39;", "'"), change)
            self.assertNotIn("Traceback", response.text)
        self.assertFalse(
            self.env["dunning.promise"].search([("partner_id", "in", (self.customer_a | self.customer_b).ids)])
        )

    def test_customer_disputes_its_own_invoice_only(self):
        invoice = self.invoices_a[0]
        self.authenticate("dunning_portal_a", "dunning_portal_a")
        response = self._post("/my/dunning/dispute", {"invoice_id": self.invoice_b.id, "reason": "Not mine"})
        self.assertIn("You can only choose your own open invoices.", response.text)
        self.assertFalse(self.invoice_b.dunning_dispute)
        response = self._post("/my/dunning/dispute", {"invoice_id": invoice.id, "reason": "  "})
        self.assertIn("Tell us why you dispute this invoice.", response.text)
        self.assertFalse(invoice.dunning_dispute)

        response = self._post("/my/dunning/dispute", {"invoice_id": invoice.id, "reason": "Goods damaged"})
        self.assertIn("Your dispute is recorded", response.text)
        self.assertTrue(invoice.dunning_dispute)
        self.assertEqual(invoice.dunning_dispute_reason, "Goods damaged")
        self.assertEqual(invoice.dunning_dispute_user_id, self.salesperson, "the invoice's salesperson handles it")
        self.assertTrue(invoice.activity_ids.filtered(lambda activity: activity.user_id == self.salesperson))
        self.assertIn("Goods damaged", self.url_open("/my/dunning").text)
        self.authenticate("dunning_portal_b", "dunning_portal_b")
        self.assertNotIn("Goods damaged", self.url_open("/my/dunning").text)
