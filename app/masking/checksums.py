"""Check digits that tell a real identifier from a random run of digits."""

from __future__ import annotations


def my_number_valid(digits: str) -> bool:
    """Official 個人番号 check digit (12 digits; the last is the check digit)."""
    if len(digits) != 12 or not digits.isdigit():
        return False
    body = digits[:11]
    total = 0
    for n in range(1, 12):
        p = int(body[11 - n])
        q = n + 1 if n <= 6 else n - 5
        total += p * q
    r = total % 11
    check = 0 if r <= 1 else 11 - r
    return check == int(digits[11])


def corporate_number_valid(digits: str) -> bool:
    """法人番号: 13 digits, the first is the check digit over the other 12."""
    if len(digits) != 13 or not digits.isdigit():
        return False
    base = digits[1:]
    total = 0
    for n in range(1, 13):
        p = int(base[12 - n])
        q = 1 if n % 2 == 1 else 2
        total += p * q
    return int(digits[0]) == 9 - (total % 9)


def luhn_valid(digits: str) -> bool:
    if not digits.isdigit() or not 13 <= len(digits) <= 19:
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0
