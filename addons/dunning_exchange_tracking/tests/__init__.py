from . import test_call_flow, test_timeline, test_tours
