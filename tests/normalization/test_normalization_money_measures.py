"""Money, measures and units."""

import pytest

from normalization import to_speech


def say(text):
    return " ".join(to_speech(text).split())


MONEY = [
    ("$1", "one dollar"),
    ("$5", "five dollars"),
    ("$20", "twenty dollars"),
    ("$3.50", "three dollars fifty cents"),
    ("$1.01", "one dollar one cent"),
    ("$0.50", "fifty cents"),
    ("$1,250", "one thousand two hundred fifty dollars"),
    ("$2.5M", "two point five million dollars"),
    ("$2.5 million", "two point five million dollars"),
    ("$3bn", "three billion dollars"),
    ("$10K", "ten thousand dollars"),
    ("$1.2 trillion", "one point two trillion dollars"),
    ("€20", "twenty euros"),
    ("€1", "one euro"),
    ("€9.99", "nine euros ninety nine cents"),
    ("20€", "twenty euros"),
    ("£5", "five pounds"),
    ("£2.50", "two pounds fifty pence"),
    ("£1m", "one million pounds"),
    ("¥100", "one hundred yen"),
    ("₹500", "five hundred rupees"),
    ("50¢", "fifty cents"),
    ("USD 20", "twenty dollars"),
    ("20 EUR", "twenty euros"),
    ("US$5", "five US dollars"),
    ("$5-10", "five to ten dollars"),
    ("$5–$10", "five to ten dollars"),
    ("It costs $5 and $10.", "It costs five dollars and ten dollars."),
    ("I paid \\$5 for it", "I paid five dollars for it"),
    ("a $15 ticket", "a fifteen dollar ticket"),
    ("-$5", "minus five dollars"),
]

MEASURES = [
    ("5 km", "five kilometers"),
    ("1 km", "one kilometer"),
    ("5km", "five kilometers"),
    ("2.5 kg", "two point five kilograms"),
    ("100 km/h", "one hundred kilometers per hour"),
    ("60 mph", "sixty miles per hour"),
    ("9.8 m/s²", "nine point eight meters per second squared"),
    ("3 m/s", "three meters per second"),
    ("20°C", "twenty degrees celsius"),
    ("-5 °C", "minus five degrees celsius"),
    ("98.6°F", "ninety eight point six degrees fahrenheit"),
    ("90°", "ninety degrees"),
    ("16 GB", "sixteen gigabytes"),
    ("512MB", "five hundred twelve megabytes"),
    ("1 TB", "one terabyte"),
    ("100 Mbps", "one hundred megabits per second"),
    ("5 ft", "five feet"),
    ("1 ft", "one foot"),
    ("12 oz", "twelve ounces"),
    ("3 lbs", "three pounds"),
    ("500 ml", "five hundred milliliters"),
    ("2 L", "two liters"),
    ("250 mg", "two hundred fifty milligrams"),
    ("10 cm", "ten centimeters"),
    ("5 mm", "five millimeters"),
    ("3 mi.", "three miles."),
    ("100 m", "one hundred meters"),
    ("50 m²", "fifty square meters"),
    ("30 s", "thirty seconds"),
    ("10 min", "ten minutes"),
    ("2 h", "two hours"),
    ("220 V", "two hundred twenty volts"),
    ("60 W.", "sixty watts."),
    ("50 Hz", "fifty hertz"),
    ("2.4 GHz", "two point four gigahertz"),
    ("5 kWh", "five kilowatt hours"),
    ("120 dB", "one hundred twenty decibels"),
    ("1000 kcal", "one thousand kilocalories"),
    ("5 in the box", "five in the box"),
    ("I ran 5 km today.", "I ran five kilometers today."),
    ("a 10 kg bag", "a ten kilogram bag"),
    ("speed of 3.0 m/s", "speed of three point zero meters per second"),
]


@pytest.mark.parametrize(("written", "spoken"), MONEY)
def test_money(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(("written", "spoken"), MEASURES)
def test_measures(written, spoken):
    assert say(written) == spoken
