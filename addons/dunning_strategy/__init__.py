from . import models, report, wizard
