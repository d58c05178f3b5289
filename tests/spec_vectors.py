"""The test vectors of docs/algorithm.md §5, written once for every test that checks them
(tests/test_recipes.py also records them through the command line)."""

SEED = "20220104-6152-3341"
DRAW = "2022-1"
TICKETS = {
    "E001": "4386948b88a384d66b3b2c3eea98eec43e7e09b0f6020ea8e6586173ce10cf59",
    "E002": "bff0f3adb743208e56a0a4d591f9f88805b61331426fccd0d988c4fe1f963e38",
    "E003": "64cb78992bb31d40e4a6a5f5d21e8988dda82bebc30f647615a5d92c5ee50359",
    "E004": "71b670271adf9c2d3376569d3ac7b6783ee3937db019a89cf24c4ecb42874aac",
    "E005": "4dc109938ee1a1315dbc2f5d3e8b5a46d1cd982c46115f56d7b4fd76710c873b",
    "E006": "176c03174e06821c5bd261804e19daba9b407485453e2bdfbffb770672b54975",
    "E007": "6c713b1641e81fae56e4c9cc6abe48e963ae661af92098aa20eb80d252d02ab6",
    "E008": "b270a261f96d2f96d8efa212a20a2e2836341ee20511133744625345c771897e",
    "E009": "35c175d2a2602676c73cd590ad7b77349106b37010eda2dece065f8b588d37e2",
    "E010": "80a1379d7feb69266880794ed621b834bd91695c229595ae34cddc2c24c4ce59",
}
ORDER = ["E006", "E009", "E001", "E005", "E003", "E007", "E004", "E010", "E008", "E002"]
