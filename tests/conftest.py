import warnings

warnings.filterwarnings("ignore", message=".*lr_scheduler.*")
