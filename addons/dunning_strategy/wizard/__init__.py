from . import dunning_dispute_wizard, dunning_launch, dunning_set_step
