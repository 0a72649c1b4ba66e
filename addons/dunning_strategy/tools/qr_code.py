"""QR codes of the letters (pay links, SEPA transfers) as small grey-level PNGs.

Why not Odoo's ``ir.actions.report.barcode``: it draws each module as a ReportLab shape and
rasterises a 240 px RGB drawing, about 50 ms a code, and a letter carries one code per invoice
plus the SEPA one: that alone held letters to a few per second. Here the ``qrcode`` library (an
Odoo requirement) makes the module matrix and Pillow packs it, a few pixels per module, in about
2 ms.

The mask pattern is fixed instead of chosen among the eight by their penalty score: every mask
gives a valid code that any reader decodes (the score only avoids patterns some old readers
found hard), and scoring the eight is three quarters of the cost of a code.
"""

import base64

MODULE_PIXELS = 4  # sharp at 18 mm even when the PDF viewer smooths the image
QUIET_ZONE = 4  # modules of white around the code, as ISO/IEC 18004 asks
MASK_PATTERN = 0


def qr_code_matrix(value):
    """The modules of the QR code of ``value`` (text), level M, quiet zone included: rows of
    booleans, ``True`` for a dark module."""
    import qrcode

    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, border=QUIET_ZONE, mask_pattern=MASK_PATTERN
    )
    code.add_data(value)
    code.make(fit=True)
    return code.get_matrix()


def qr_code_png(value, module_pixels=MODULE_PIXELS):
    """The QR code of ``value`` as a grey-level PNG (bytes), ``module_pixels`` pixels a module."""
    import io

    from PIL import Image

    matrix = qr_code_matrix(value)
    size = len(matrix)
    image = Image.frombytes("L", (size, size), bytes(0 if dark else 255 for row in matrix for dark in row))
    image = image.resize((size * module_pixels, size * module_pixels), Image.NEAREST)
    output = io.BytesIO()
    image.save(output, format="PNG")
    return output.getvalue()


def qr_code_data_uri(value):
    """The QR code of ``value`` as a ``data:`` URI, for HTML that loads no URL (the letters)."""
    return "data:image/png;base64," + base64.b64encode(qr_code_png(value)).decode()
