import io

from pypdf import PdfReader

from .common import DunningCommon


class DunningLettersCommon(DunningCommon):
    """Customers with a postal address, letter steps, and PDF helpers (parsed with pypdf)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.letter_template = cls.env.ref("dunning_strategy.dunning_letter_template_default")
        cls.mjml_template = cls.env.ref("dunning_strategy.dunning_letter_template_formal_notice_mjml")
        cls.company.write(
            {"street": "12 rue des Lilas", "zip": "69003", "city": "Lyon", "company_registry": "812345678"}
        )

    @classmethod
    def _create_company_customer(cls, name, **vals):
        """A company customer with an email and a postal address."""
        return cls._create_customer(
            name, is_company=True, street="4 place du Marché", zip="38000", city="Grenoble", **vals
        )

    @staticmethod
    def _pdf_pages(pdf):
        """Text of each page of a PDF (bytes), whitespace collapsed."""
        reader = PdfReader(io.BytesIO(pdf))
        return [" ".join((page.extract_text() or "").split()) for page in reader.pages]

    @classmethod
    def _pdf_text(cls, pdf):
        return " ".join(cls._pdf_pages(pdf))

    @classmethod
    def _line_of(cls, run, partner):
        return run.line_ids.filtered(lambda line: line.partner_id == partner)
