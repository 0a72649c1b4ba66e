from . import test_project_exchanges, test_project_links
