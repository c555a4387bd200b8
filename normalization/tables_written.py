"""Data for written forms in prose: unit spellings, rates, time zones, eras, weekdays,
street suffixes and states. Plain data, reviewed like tables.py; each value is what a
careful English reader says."""

# Unit spellings matched without regard to case, mapped to a key of tables.UNITS (or to
# a reading of their own in EXTRA_UNITS). Symbols whose case carries meaning (m/M, mm/MM,
# Mb/MB, s/S) stay case-sensitive in tables.UNITS and are not repeated here.
UNIT_VARIANTS = {
    "kg": "kg",
    "kgs": "kg",
    "kilo": "kg",
    "kilos": "kg",
    "km": "km",
    "kms": "km",
    "cm": "cm",
    "cms": "cm",
    "mg": "mg",
    "mgs": "mg",
    "ml": "ml",
    "mls": "ml",
    "lb": "lb",
    "lbs": "lb",
    "oz": "oz",
    "ft": "ft",
    "mph": "mph",
    "kph": "kph",
    "kmh": "kmh",
    "kmph": "kmh",
    "km/hr": "kmh",
    "mbps": "Mbps",
    "gbps": "Gbps",
    "kbps": "kbps",
    "hz": "Hz",
    "khz": "kHz",
    "mhz": "MHz",
    "ghz": "GHz",
    "kw": "kW",
    "kwh": "kWh",
    "gb": "GB",
    "mb": "MB",
    "kb": "KB",
    "tb": "TB",
    "mins": "min",
    "secs": "sec",
    "hrs": "hr",
    "yrs": "yr",
    "°c": "°C",
    "°f": "°F",
}

# Units with no entry in tables.UNITS: symbol (case-insensitive) -> (singular, plural).
EXTRA_UNITS = {
    "wk": ("week", "weeks"),
    "wks": ("week", "weeks"),
    "mo": ("month", "months"),
    "mos": ("month", "months"),
    "tsp": ("teaspoon", "teaspoons"),
    "tsps": ("teaspoon", "teaspoons"),
    "tbsp": ("tablespoon", "tablespoons"),
    "tbsps": ("tablespoon", "tablespoons"),
    "tbs": ("tablespoon", "tablespoons"),
    "fl oz": ("fluid ounce", "fluid ounces"),
    "sq ft": ("square foot", "square feet"),
    "sq. ft.": ("square foot", "square feet"),
    "sqft": ("square foot", "square feet"),
    "sq m": ("square meter", "square meters"),
    "sq km": ("square kilometer", "square kilometers"),
    "sq in": ("square inch", "square inches"),
    "sq mi": ("square mile", "square miles"),
    "cu ft": ("cubic foot", "cubic feet"),
    "deg": ("degree", "degrees"),
    "dm": ("decimeter", "decimeters"),
}

# Length units that take "square" and "cubic" when raised to 2 and 3 (m², cm^3, km2).
LENGTH_UNITS = frozenset({"mm", "cm", "dm", "m", "km", "ft", "in", "yd", "mi", "nm", "μm", "um"})

# What follows "/" or "per" after an amount: "$30/mo" is thirty dollars a month.
RATE_WORDS = {
    "mo": "a month",
    "month": "a month",
    "mth": "a month",
    "hr": "an hour",
    "h": "an hour",
    "hour": "an hour",
    "yr": "a year",
    "year": "a year",
    "y": "a year",
    "wk": "a week",
    "week": "a week",
    "day": "a day",
    "d": "a day",
    "min": "a minute",
    "minute": "a minute",
    "sec": "a second",
    "s": "a second",
    "night": "a night",
    "person": "per person",
    "head": "per head",
    "seat": "per seat",
    "ea": "each",
    "each": "each",
    "item": "per item",
    "user": "per user",
    "student": "per student",
    "class": "per class",
    "lesson": "per lesson",
    "session": "per session",
    "page": "per page",
    "word": "per word",
    "unit": "per unit",
    "piece": "per piece",
}

# Time zones written after a time; read letter by letter.
TIME_ZONES = frozenset(
    """EST EDT CST CDT MST MDT PST PDT AKST AKDT HST GMT UTC BST CET CEST EET EEST WET
    WEST IST JST KST HKT SGT AEST AEDT ACST AWST NZST NZDT ET CT MT PT""".split()
)

# Era abbreviations after (or, for AD, before) a year; read as the letters.
ERAS = {"BC": "BC", "BCE": "BCE", "AD": "AD", "CE": "CE"}

WEEKDAYS = {
    "mon": "Monday",
    "monday": "Monday",
    "tue": "Tuesday",
    "tues": "Tuesday",
    "tuesday": "Tuesday",
    "wed": "Wednesday",
    "weds": "Wednesday",
    "wednesday": "Wednesday",
    "thu": "Thursday",
    "thur": "Thursday",
    "thurs": "Thursday",
    "thursday": "Thursday",
    "fri": "Friday",
    "friday": "Friday",
    "sat": "Saturday",
    "saturday": "Saturday",
    "sun": "Sunday",
    "sunday": "Sunday",
}

# Words before a weekday abbreviation that make it one ("on Sun.", "every Wed.").
WEEKDAY_LEAD_WORDS = frozenset(
    """on every next last this until till by from through thru closed open each since
    before after due""".split()
)
# Words after one that make it one ("Sat. morning", "Wed. at 4").
WEEKDAY_TAIL_WORDS = frozenset("morning afternoon evening night noon midnight".split())

STREET_SUFFIXES = {
    "st": "street",
    "street": "street",
    "ave": "avenue",
    "av": "avenue",
    "avenue": "avenue",
    "rd": "road",
    "road": "road",
    "blvd": "boulevard",
    "boulevard": "boulevard",
    "ln": "lane",
    "lane": "lane",
    "dr": "drive",
    "drive": "drive",
    "ct": "court",
    "court": "court",
    "hwy": "highway",
    "highway": "highway",
    "expy": "expressway",
    "expressway": "expressway",
    "pkwy": "parkway",
    "parkway": "parkway",
    "pl": "place",
    "place": "place",
    "ter": "terrace",
    "terrace": "terrace",
    "sq": "square",
    "square": "square",
    "cir": "circle",
    "circle": "circle",
    "way": "way",
}

DIRECTIONS = {
    "N": "North",
    "S": "South",
    "E": "East",
    "W": "West",
    "NE": "Northeast",
    "NW": "Northwest",
    "SE": "Southeast",
    "SW": "Southwest",
}

US_STATES = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "D C",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
}

# Numbers read digit by digit when they follow one of these words ("code 4417").
ID_CONTEXT = (
    "id",
    "pin",
    "otp",
    "code",
    "passcode",
    "password",
    "zip",
    "zipcode",
    "postcode",
    "account",
    "acct",
    "serial",
    "order",
    "confirmation",
    "tracking",
    "reference",
    "ref",
    "invoice",
    "ticket",
    "isbn",
    "ssn",
    "extension",
    "ending in",
    "card",
)

# Short numbers that are dialled, not counted, after "call", "dial" and the like.
# Words that name a numbered place or item: the letter after its number is part of the
# label ("Room 204B", "Gate 12C", "Exercise 3B"), never a scale (billion, million, thousand).
LABEL_WORDS = frozenset(
    """room rm apartment apt suite ste unit flat floor building bldg gate platform terminal
    seat row bus route flight exit ward bay lot locker box level block hall lab
    chapter section page exercise question problem figure fig table part unit lesson
    step item form grade class model""".split()
)

# Words after which "18/20" is a score, said "eighteen out of twenty", not a fraction.
SCORE_WORDS = frozenset(
    """score scored scores scoring got rated rating marks mark marked grade graded
    result""".split()
)

EMERGENCY_NUMBERS = frozenset({"911", "112", "999", "000", "111", "988", "101", "211", "311"})

# Chemical element symbols: a word made of them and counts (C6H12O6) is a formula.
ELEMENTS = frozenset(
    """H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga
    Ge As Se Br Kr Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd
    Pm Sm Eu Gd Tb Dy Ho Er Tm Yb Lu Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac
    Th Pa U Np Pu Am Cm Bk Cf Es Fm Md No Lr""".split()
)
