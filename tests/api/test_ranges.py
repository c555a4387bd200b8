"""The Range header parser behind every media download."""

import pytest

from jobs.downloads import ByteRange, Unsatisfiable, parse_range


@pytest.mark.parametrize(
    "header, expected",
    [
        ("bytes=0-0", ByteRange(0, 0)),
        ("bytes=10-19", ByteRange(10, 19)),
        ("bytes=90-", ByteRange(90, 99)),
        ("bytes=-1", ByteRange(99, 99)),
        ("bytes=-500", ByteRange(0, 99)),
        ("bytes=50-5000", ByteRange(50, 99)),
        ("bytes= 5 - 9", ByteRange(5, 9)),
    ],
)
def test_a_single_range_is_read_and_clipped_to_the_file(header, expected):
    assert parse_range(header, 100) == expected


@pytest.mark.parametrize(
    "header", [None, "", "bytes=-", "bytes=5-2", "bytes=0-1,5-6", "items=0-5", "bytes=a-b"]
)
def test_a_missing_malformed_or_multi_range_header_sends_the_whole_file(header):
    assert parse_range(header, 100) is None


@pytest.mark.parametrize(
    "header, size",
    [("bytes=100-", 100), ("bytes=200-300", 100), ("bytes=-0", 100), ("bytes=-5", 0)],
)
def test_a_range_wholly_past_the_end_is_unsatisfiable(header, size):
    with pytest.raises(Unsatisfiable):
        parse_range(header, size)
