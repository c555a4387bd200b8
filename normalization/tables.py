"""Data tables for speech normalization.

Kept as plain data so that readings can be reviewed and extended without touching code.
Every value is what a careful English reader says aloud.
"""

GREEK = {
    "alpha": "alpha", "beta": "beta", "gamma": "gamma", "delta": "delta",
    "epsilon": "epsilon", "varepsilon": "epsilon", "zeta": "zeta", "eta": "eta",
    "theta": "theta", "vartheta": "theta", "iota": "iota", "kappa": "kappa",
    "varkappa": "kappa", "lambda": "lambda", "mu": "mu", "nu": "nu", "xi": "xi",
    "omicron": "omicron", "pi": "pi", "varpi": "pi", "rho": "rho", "varrho": "rho",
    "sigma": "sigma", "varsigma": "sigma", "tau": "tau", "upsilon": "upsilon",
    "phi": "phi", "varphi": "phi", "chi": "chi", "psi": "psi", "omega": "omega",
    "Gamma": "gamma", "Delta": "delta", "Theta": "theta", "Lambda": "lambda",
    "Xi": "xi", "Pi": "pi", "Sigma": "sigma", "Upsilon": "upsilon", "Phi": "phi",
    "Psi": "psi", "Omega": "omega",
    "varGamma": "gamma", "varDelta": "delta", "varTheta": "theta", "varLambda": "lambda",
    "varPi": "pi", "varSigma": "sigma", "varPhi": "phi", "varPsi": "psi", "varOmega": "omega",
}

# Greek letters written as Unicode characters in running text or math.
GREEK_CHARS = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta",
    "η": "eta", "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu",
    "ν": "nu", "ξ": "xi", "π": "pi", "ρ": "rho", "σ": "sigma", "ς": "sigma", "τ": "tau",
    "υ": "upsilon", "φ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega", "Γ": "gamma",
    "Δ": "delta", "Θ": "theta", "Λ": "lambda", "Ξ": "xi", "Π": "pi", "Σ": "sigma",
    "Φ": "phi", "Ψ": "psi", "Ω": "omega", "ϕ": "phi", "ϵ": "epsilon",
}

# Macros that are a fixed word (or nothing) in math.
MATH_SYMBOLS = {
    # relations
    "neq": "is not equal to", "ne": "is not equal to", "leq": "is less than or equal to",
    "le": "is less than or equal to", "leqslant": "is less than or equal to",
    "geq": "is greater than or equal to", "ge": "is greater than or equal to",
    "geqslant": "is greater than or equal to", "lt": "is less than", "gt": "is greater than",
    "ll": "is much less than", "gg": "is much greater than",
    "approx": "is approximately equal to", "simeq": "is approximately equal to",
    "cong": "is congruent to", "equiv": "is equivalent to", "sim": "is similar to",
    "propto": "is proportional to", "coloneqq": "is defined as", "triangleq": "is defined as",
    "doteq": "is defined as",
    "in": "in", "notin": "is not in", "ni": "contains", "subset": "is a subset of",
    "subseteq": "is a subset of or equal to", "subsetneq": "is a proper subset of",
    "supset": "is a superset of", "supseteq": "is a superset of or equal to",
    "perp": "is perpendicular to", "parallel": "is parallel to", "mid": "given",
    "nmid": "does not divide", "models": "models", "vdash": "proves",
    # arrows
    "to": "to", "rightarrow": "to", "longrightarrow": "to", "leftarrow": "gets",
    "gets": "gets", "Rightarrow": "implies", "implies": "implies",
    "Longrightarrow": "implies", "Leftarrow": "is implied by", "impliedby": "is implied by",
    "iff": "if and only if", "Leftrightarrow": "if and only if",
    "Longleftrightarrow": "if and only if", "leftrightarrow": "if and only if",
    "mapsto": "maps to", "uparrow": "up arrow", "downarrow": "down arrow",
    # binary operators
    "pm": "plus or minus", "mp": "minus or plus", "times": "times", "cdot": "times",
    "ast": "times", "star": "star", "div": "divided by", "cup": "union",
    "cap": "intersect", "setminus": "minus", "oplus": "direct sum", "otimes": "tensor",
    "circ": "composed with", "wedge": "and", "land": "and", "vee": "or", "lor": "or",
    "bullet": "times", "odot": "dot",
    # logic and sets
    "forall": "for all", "exists": "there exists", "nexists": "there does not exist",
    "neg": "not", "lnot": "not", "emptyset": "the empty set", "varnothing": "the empty set",
    "therefore": "therefore", "because": "because",
    # misc
    "infty": "infinity", "partial": "partial", "nabla": "del", "hbar": "h bar",
    "ell": "l", "Re": "the real part of", "Im": "the imaginary part of",
    "angle": "angle", "triangle": "triangle", "degree": "degrees", "prime": "prime",
    "aleph": "aleph", "wp": "p", "dagger": "dagger", "top": "transpose",
    "cdots": "dot dot dot", "ldots": "dot dot dot", "dots": "dot dot dot",
    "vdots": "dot dot dot", "ddots": "dot dot dot", "dotsc": "dot dot dot",
    "dotsb": "dot dot dot", "%": "percent", "$": "dollars", "&": "and", "#": "number",
    "checkmark": "check",
}

# Macros that make no sound: spacing, sizing, delimiters' helpers, bookkeeping.
SILENT_MACROS = frozenset({
    ",", ";", ":", "!", " ", "quad", "qquad", "enspace", "thinspace", "medspace",
    "thickspace", "negthinspace", "hfill", "vfill", "noindent", "displaystyle",
    "textstyle", "scriptstyle", "scriptscriptstyle", "left", "right", "big", "Big",
    "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr", "Biggl", "Biggr",
    "middle", "nonumber", "notag", "limits", "nolimits", "newline", "centering",
    "par", "smallskip", "medskip", "bigskip", "maketitle", "tableofcontents", "item",
    "rangle", "rceil", "rfloor",
    "cr", "relax", "allowbreak", "protect", "clearpage", "newpage", "linebreak",
    "hline", "toprule", "midrule", "bottomrule", "_", "/", "@",
})

# Macros whose argument is bookkeeping, never read.
SILENT_WITH_ARGS = frozenset({
    "label", "tag", "ref", "eqref", "cite", "citep", "citet", "vspace", "hspace",
    "phantom", "hphantom", "vphantom", "color", "pagestyle", "thispagestyle",
    "usepackage", "documentclass", "includegraphics", "bibliography",
    "bibliographystyle", "setlength", "footnote", "index", "url",
})

# Function-like operators: macro name -> spoken name.
FUNCTIONS = {
    "sin": "sine", "cos": "cosine", "tan": "tangent", "sec": "secant",
    "csc": "cosecant", "cot": "cotangent", "arcsin": "arc sine", "arccos": "arc cosine",
    "arctan": "arc tangent", "sinh": "hyperbolic sine", "cosh": "hyperbolic cosine",
    "tanh": "hyperbolic tangent", "log": "log", "lg": "log", "ln": "the natural log",
    "exp": "the exponential", "det": "the determinant", "dim": "the dimension",
    "ker": "the kernel", "deg": "the degree", "gcd": "the gcd", "lcm": "the lcm",
    "arg": "the argument", "Pr": "the probability", "sgn": "the sign", "tr": "the trace",
    "Tr": "the trace", "rank": "the rank", "Var": "the variance", "Cov": "the covariance",
    "E": "the expected value", "span": "the span", "diag": "diag", "hom": "hom",
}

# Big operators with limits.
BIG_OPERATORS = {
    "sum": "the sum", "prod": "the product", "coprod": "the coproduct",
    "int": "the integral", "iint": "the double integral", "iiint": "the triple integral",
    "oint": "the contour integral", "bigcup": "the union", "bigcap": "the intersection",
    "bigoplus": "the direct sum", "bigotimes": "the tensor product",
    "lim": "the limit", "limsup": "the limit superior", "liminf": "the limit inferior",
    "max": "the maximum", "min": "the minimum", "sup": "the supremum",
    "inf": "the infimum", "argmax": "the arg max", "argmin": "the arg min",
}

# Accents: macro -> (prefix words, suffix words)
ACCENTS = {
    "vec": ("vector", ""), "overrightarrow": ("vector", ""), "hat": ("", "hat"),
    "widehat": ("", "hat"), "bar": ("", "bar"), "overline": ("", "bar"),
    "tilde": ("", "tilde"), "widetilde": ("", "tilde"), "dot": ("", "dot"),
    "ddot": ("", "double dot"), "check": ("", "check"),
    "breve": ("", "breve"), "acute": ("", ""), "grave": ("", ""),
}

# Font and style macros: read their argument as it is.
MATH_STYLE_MACROS = frozenset({
    "mathbf", "mathit", "mathsf", "mathtt", "mathbb", "mathcal", "mathfrak",
    "mathscr", "boldsymbol", "bm", "pmb", "mathnormal", "underbrace", "overbrace",
    "ensuremath", "fbox", "boxed", "cancel", "mathring",
})

# Macros whose argument is prose (read as running text, not letter by letter).
TEXT_MACROS = frozenset({
    "text", "textrm", "mbox", "mathrm", "operatorname", "hbox", "textup", "textbf",
    "textit", "emph", "textsf", "texttt", "textsc", "textnormal", "section",
    "subsection", "subsubsection", "paragraph", "chapter", "title", "author", "caption",
    "underline", "textmd", "textsl",
})

# Unicode math symbols in text or math.
SYMBOL_CHARS = {
    "±": "plus or minus", "∓": "minus or plus", "×": "times", "÷": "divided by",
    "≠": "is not equal to", "≤": "is less than or equal to",
    "≥": "is greater than or equal to", "≈": "is approximately equal to",
    "∞": "infinity", "√": "the square root of", "∑": "the sum of", "∏": "the product of",
    "∫": "the integral of", "∂": "partial", "∇": "del", "∈": "in", "∉": "is not in",
    "⊂": "is a subset of", "⊆": "is a subset of or equal to", "∪": "union",
    "∩": "intersect", "∅": "the empty set", "∀": "for all", "∃": "there exists",
    "→": "to", "⇒": "implies", "⇔": "if and only if", "↔": "if and only if",
    "←": "gets", "≡": "is equivalent to", "∝": "is proportional to", "·": "times",
    "⋅": "times", "∘": "composed with", "′": "prime", "″": "double prime", "−": "minus",
    "∧": "and", "∨": "or", "¬": "not", "⊥": "is perpendicular to", "∥": "is parallel to",
    "…": "...", "‰": "per mille", "§": "section", "¶": "paragraph", "©": "copyright",
    "®": "registered", "™": "trademark", "†": "dagger", "µ": "micro",
}

# Plain-text symbols (outside math) -> words.
TEXT_SYMBOLS = {
    "&": "and", "+": "plus", "=": "equals", "<": "less than", ">": "greater than",
    "@": "at", "%": "percent", "#": "number", "~": "about", "°": "degrees",
    "|": ",", "*": "", "^": "", "_": " ", "\\": "", "{": "", "}": "", "$": "dollars",
    "€": "euros", "£": "pounds", "¥": "yen", "¢": "cents", "₹": "rupees", "`": "'",
}

CURRENCY_SYMBOLS = {
    "$": ("dollar", "dollars", "cent", "cents"),
    "US$": ("dollar", "dollars", "cent", "cents"),
    "A$": ("australian dollar", "australian dollars", "cent", "cents"),
    "C$": ("canadian dollar", "canadian dollars", "cent", "cents"),
    "€": ("euro", "euros", "cent", "cents"),
    "£": ("pound", "pounds", "penny", "pence"),
    "¥": ("yen", "yen", "sen", "sen"),
    "₹": ("rupee", "rupees", "paisa", "paise"),
    "₩": ("won", "won", "jeon", "jeon"),
    "₽": ("ruble", "rubles", "kopek", "kopeks"),
    "₿": ("bitcoin", "bitcoins", "satoshi", "satoshis"),
}

CURRENCY_CODES = {
    "USD": CURRENCY_SYMBOLS["$"], "EUR": CURRENCY_SYMBOLS["€"], "GBP": CURRENCY_SYMBOLS["£"],
    "JPY": CURRENCY_SYMBOLS["¥"], "INR": CURRENCY_SYMBOLS["₹"],
    "CAD": CURRENCY_SYMBOLS["C$"], "AUD": CURRENCY_SYMBOLS["A$"],
    "CHF": ("swiss franc", "swiss francs", "centime", "centimes"),
    "CNY": ("yuan", "yuan", "fen", "fen"),
}

# Scale suffixes on amounts: $2.5M, 3bn, 10K.
SCALES = {
    "k": "thousand", "K": "thousand", "thousand": "thousand",
    "m": "million", "M": "million", "mn": "million", "mm": "million", "MM": "million",
    "million": "million", "b": "billion", "B": "billion", "bn": "billion",
    "billion": "billion", "t": "trillion", "T": "trillion", "tn": "trillion",
    "trillion": "trillion",
}

# Units: written symbol -> (singular, plural). Case matters (m vs M, s vs S).
UNITS = {
    "mm": ("millimeter", "millimeters"), "cm": ("centimeter", "centimeters"),
    "m": ("meter", "meters"), "km": ("kilometer", "kilometers"),
    "nm": ("nanometer", "nanometers"), "µm": ("micrometer", "micrometers"),
    "μm": ("micrometer", "micrometers"), "um": ("micrometer", "micrometers"),
    "in": ("inch", "inches"), "ft": ("foot", "feet"), "yd": ("yard", "yards"),
    "mi": ("mile", "miles"), "mg": ("milligram", "milligrams"), "g": ("gram", "grams"),
    "kg": ("kilogram", "kilograms"), "t": ("ton", "tons"), "lb": ("pound", "pounds"),
    "lbs": ("pound", "pounds"), "oz": ("ounce", "ounces"), "st": ("stone", "stone"),
    "ml": ("milliliter", "milliliters"), "mL": ("milliliter", "milliliters"),
    "l": ("liter", "liters"), "L": ("liter", "liters"), "cl": ("centiliter", "centiliters"),
    "dl": ("deciliter", "deciliters"), "gal": ("gallon", "gallons"),
    "s": ("second", "seconds"), "sec": ("second", "seconds"), "ms": ("millisecond", "milliseconds"),
    "µs": ("microsecond", "microseconds"), "ns": ("nanosecond", "nanoseconds"),
    "min": ("minute", "minutes"), "h": ("hour", "hours"), "hr": ("hour", "hours"),
    "hrs": ("hour", "hours"), "d": ("day", "days"), "yr": ("year", "years"),
    "yrs": ("year", "years"),
    "Hz": ("hertz", "hertz"), "kHz": ("kilohertz", "kilohertz"),
    "MHz": ("megahertz", "megahertz"), "GHz": ("gigahertz", "gigahertz"),
    "W": ("watt", "watts"), "kW": ("kilowatt", "kilowatts"), "MW": ("megawatt", "megawatts"),
    "GW": ("gigawatt", "gigawatts"), "kWh": ("kilowatt hour", "kilowatt hours"),
    "Wh": ("watt hour", "watt hours"), "mAh": ("milliamp hour", "milliamp hours"),
    "V": ("volt", "volts"), "kV": ("kilovolt", "kilovolts"), "mV": ("millivolt", "millivolts"),
    "A": ("amp", "amps"), "mA": ("milliamp", "milliamps"), "Ω": ("ohm", "ohms"),
    "J": ("joule", "joules"), "kJ": ("kilojoule", "kilojoules"), "N": ("newton", "newtons"),
    "Pa": ("pascal", "pascals"), "kPa": ("kilopascal", "kilopascals"),
    "hPa": ("hectopascal", "hectopascals"), "bar": ("bar", "bars"), "psi": ("psi", "psi"),
    "cal": ("calorie", "calories"), "kcal": ("kilocalorie", "kilocalories"),
    "KB": ("kilobyte", "kilobytes"), "kB": ("kilobyte", "kilobytes"),
    "MB": ("megabyte", "megabytes"), "GB": ("gigabyte", "gigabytes"),
    "TB": ("terabyte", "terabytes"), "PB": ("petabyte", "petabytes"),
    "Kb": ("kilobit", "kilobits"), "Mb": ("megabit", "megabits"), "Gb": ("gigabit", "gigabits"),
    "kbps": ("kilobit per second", "kilobits per second"),
    "Mbps": ("megabit per second", "megabits per second"),
    "Gbps": ("gigabit per second", "gigabits per second"),
    "mph": ("mile per hour", "miles per hour"),
    "kph": ("kilometer per hour", "kilometers per hour"),
    "km/h": ("kilometer per hour", "kilometers per hour"),
    "kmh": ("kilometer per hour", "kilometers per hour"),
    "m/s": ("meter per second", "meters per second"),
    "km/s": ("kilometer per second", "kilometers per second"),
    "ft/s": ("foot per second", "feet per second"),
    "m/s²": ("meter per second squared", "meters per second squared"),
    "m/s^2": ("meter per second squared", "meters per second squared"),
    "mpg": ("mile per gallon", "miles per gallon"),
    "rpm": ("revolution per minute", "revolutions per minute"),
    "°C": ("degree celsius", "degrees celsius"), "°F": ("degree fahrenheit", "degrees fahrenheit"),
    "°K": ("kelvin", "kelvin"), "°": ("degree", "degrees"),
    "m²": ("square meter", "square meters"), "m^2": ("square meter", "square meters"),
    "km²": ("square kilometer", "square kilometers"),
    "km^2": ("square kilometer", "square kilometers"),
    "cm²": ("square centimeter", "square centimeters"),
    "cm^2": ("square centimeter", "square centimeters"),
    "ft²": ("square foot", "square feet"), "sq ft": ("square foot", "square feet"),
    "sq mi": ("square mile", "square miles"), "m³": ("cubic meter", "cubic meters"),
    "m^3": ("cubic meter", "cubic meters"), "cm³": ("cubic centimeter", "cubic centimeters"),
    "cc": ("cubic centimeter", "cubic centimeters"), "ha": ("hectare", "hectares"),
    "ac": ("acre", "acres"), "mol": ("mole", "moles"), "dB": ("decibel", "decibels"),
    "px": ("pixel", "pixels"), "pt": ("point", "points"), "MP": ("megapixel", "megapixels"),
    "bpm": ("beat per minute", "beats per minute"),
}

# Units spelled out after a number need no change, but some short ones are ambiguous in
# prose ("5 in the box", "2 A levels"); they are read as units only when nothing
# word-like follows them.
AMBIGUOUS_UNITS = frozenset({"in", "t", "s", "d", "l", "A", "N", "V", "W", "st", "bar",
                             "pt", "ac", "cc", "ha", "mi", "yd", "cal", "ms"})

# Abbreviations that are always expanded the same way (matched case-sensitively, with dot).
ABBREVIATIONS = {
    "Mr.": "mister", "Mrs.": "missus", "Ms.": "miz", "Mx.": "mix", "Prof.": "professor",
    "Jr.": "junior", "Sr.": "senior", "Gen.": "general", "Col.": "colonel",
    "Capt.": "captain", "Lt.": "lieutenant", "Sgt.": "sergeant", "Rev.": "reverend",
    "Gov.": "governor", "Sen.": "senator", "Rep.": "representative", "Pres.": "president",
    "Hon.": "honorable", "Fr.": "father", "Mt.": "mount", "Ft.": "fort",
    "Ave.": "avenue", "Blvd.": "boulevard", "Rd.": "road", "Ln.": "lane",
    "etc.": "et cetera", "e.g.": "for example", "i.e.": "that is", "vs.": "versus",
    "vs": "versus", "approx.": "approximately", "Approx.": "approximately",
    "cf.": "compare", "viz.": "namely", "et al.": "et al", "a.m.": "a m", "p.m.": "p m",
    "A.M.": "a m", "P.M.": "p m", "Inc.": "incorporated", "Ltd.": "limited",
    "Corp.": "corporation", "Co.": "company", "Dept.": "department", "Univ.": "university",
    "Jan.": "January", "Feb.": "February", "Mar.": "March", "Apr.": "April",
    "Jun.": "June", "Jul.": "July", "Aug.": "August", "Sep.": "September",
    "Sept.": "September", "Oct.": "October", "Nov.": "November", "Dec.": "December",
    "Mon.": "Monday", "Tue.": "Tuesday", "Tues.": "Tuesday", "Wed.": "Wednesday",
    "Thu.": "Thursday", "Thurs.": "Thursday", "Fri.": "Friday", "Sat.": "Saturday",
    "Sun.": "Sunday", "Fig.": "figure", "fig.": "figure", "Eq.": "equation",
    "eq.": "equation", "Eqs.": "equations", "Ch.": "chapter", "ch.": "chapter",
    "Sec.": "section", "sec.": "section", "Vol.": "volume", "vol.": "volume",
    "U.S.": "u s", "U.K.": "u k", "U.N.": "u n", "E.U.": "e u", "D.C.": "d c",
    "Ph.D.": "p h d", "PhD": "p h d", "B.A.": "b a", "M.A.": "m a", "B.Sc.": "b s c",
    "M.Sc.": "m s c", "est.": "established", "min.": "minutes", "max.": "maximum",
    "dept.": "department", "govt.": "government", "intl.": "international",
}

# Abbreviations read only before a number: "p. 12" is "page twelve", "No. I won't" stays.
NUMBER_ABBREVIATIONS = {"No.": "number", "no.": "number", "Nos.": "numbers", "nos.": "numbers",
                        "Nr.": "number", "p.": "page", "pp.": "pages"}

# Abbreviations that depend on what is around them.
# "Dr. Smith" -> doctor, "Elm Dr." -> drive; "St. Louis" -> saint, "Main St." -> street.
TITLE_OR_PLACE = {"Dr.": ("doctor", "drive"), "St.": ("saint", "street")}

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]

MONTH_NAMES = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
}

# Words after which a roman numeral is a plain number: Chapter IV, World War II.
ROMAN_CARDINAL_CONTEXT = frozenset({
    "chapter", "part", "volume", "vol", "book", "act", "scene", "section", "article",
    "appendix", "war", "phase", "stage", "level", "round", "class", "type", "grade",
    "bowl", "title", "tier", "unit", "lecture", "lesson", "module", "canto", "psalm",
    "series", "apollo", "gemini", "mark", "mk", "episode", "season", "figure", "table",
    "plate", "annex", "schedule", "amendment", "clause", "item",
    "rocky", "star", "final", "fantasy", "civilization", "generation", "vatican",
})

# Given names that take a regnal ordinal: Henry VIII -> Henry the eighth.
REGNAL_NAMES = frozenset({
    "henry", "edward", "george", "william", "richard", "james", "charles", "elizabeth",
    "mary", "john", "louis", "philip", "philippe", "frederick", "friedrich", "ferdinand",
    "alexander", "nicholas", "peter", "catherine", "ivan", "pius", "leo", "gregory",
    "benedict", "clement", "innocent", "urban", "boniface", "paul", "francis", "ramesses",
    "ramses", "thutmose", "amenhotep", "ptolemy", "antiochus", "constantine", "justinian",
    "otto", "rudolf", "wilhelm", "carl", "gustav", "gustavus", "christian", "olaf",
    "harald", "haakon", "magnus", "sigismund", "casimir", "stephen", "stefan", "bela",
    "ludwig", "maximilian", "leopold", "joseph", "charlemagne", "napoleon", "victor",
    "emmanuel", "umberto", "juan", "carlos", "felipe", "alfonso", "fernando", "sancho",
    "pedro", "manuel", "afonso", "joao", "sebastian", "david", "robert", "malcolm",
    "kenneth", "duncan", "alfred", "harold", "canute", "edmund", "ethelred", "anne",
    "victoria", "sobhuza", "rama", "selim", "mehmed", "murad", "suleiman", "bayezid",
    "abdul", "hamid", "mahmud", "darius", "xerxes", "artaxerxes", "cyrus", "nebuchadnezzar",
    "tiglath", "sargon", "hiram", "herod", "agrippa", "sixtus", "julius", "martin",
    "adrian", "hadrian", "eugene", "celestine", "honorius", "alexius", "andronicus",
    "michael", "basil", "albert", "baudouin", "felix", "jr",
})

# Suffixes that are ordinal markers on a number.
ORDINAL_SUFFIXES = ("st", "nd", "rd", "th")

DIGIT_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]

# Unicode vulgar fractions.
VULGAR_FRACTIONS = {
    "½": (1, 2), "⅓": (1, 3), "⅔": (2, 3), "¼": (1, 4), "¾": (3, 4), "⅕": (1, 5),
    "⅖": (2, 5), "⅗": (3, 5), "⅘": (4, 5), "⅙": (1, 6), "⅚": (5, 6), "⅛": (1, 8),
    "⅜": (3, 8), "⅝": (5, 8), "⅞": (7, 8), "⅐": (1, 7), "⅑": (1, 9), "⅒": (1, 10),
}

SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻ⁿ", "0123456789+-n")
SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉₊₋", "0123456789+-")
