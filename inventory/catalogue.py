"""A believable small-grocery catalogue for the demo lab (EGP prices)."""

from dataclasses import dataclass
from decimal import Decimal


def ean13(first12: str) -> str:
    """Return ``first12`` followed by its EAN-13 check digit."""
    if len(first12) != 12 or not first12.isdigit():
        raise ValueError("an EAN-13 body is 12 digits")
    weighted = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return first12 + str((10 - weighted % 10) % 10)


@dataclass(frozen=True)
class Item:
    sku: str
    name: str
    name_ar: str
    category: str
    category_ar: str
    price: Decimal
    tax_rate: Decimal
    unit: str
    stock: Decimal


def _parse(table: str) -> list[Item]:
    items, category, category_ar = [], "", ""
    for line in table.strip().splitlines():
        if line.startswith("#"):
            category, category_ar = (part.strip() for part in line[1:].split("|"))
            continue
        sku, name, name_ar, price, rate, unit, stock = (
            p.strip() for p in line.split("|")
        )
        items.append(
            Item(
                sku=sku,
                name=name,
                name_ar=name_ar,
                category=category,
                category_ar=category_ar,
                price=Decimal(price),
                tax_rate=Decimal(rate),
                unit=unit,
                stock=Decimal(stock),
            )
        )
    return items


# sku | English | Arabic | price EGP | VAT % (0 for basic foods) | unit | stock
GROCERY: list[Item] = _parse(
    """
# Bakery and staples | مخبوزات وأساسيات
BRD-BALADI | Baladi bread (5 loaves) | عيش بلدي (٥ أرغفة) | 5.00 | 0 | piece | 200
BRD-TOAST | Toast bread 500 g | عيش توست ٥٠٠ جم | 32.50 | 0 | piece | 40
RICE-1KG | Egyptian rice 1 kg | أرز مصري ١ كجم | 38.00 | 0 | piece | 80
SUGAR-1KG | White sugar 1 kg | سكر أبيض ١ كجم | 36.00 | 0 | piece | 80
FLOUR-1KG | Wheat flour 1 kg | دقيق قمح ١ كجم | 29.00 | 0 | piece | 50
LENTIL-500 | Yellow lentils 500 g | عدس أصفر ٥٠٠ جم | 34.75 | 0 | piece | 50
FAVA-CAN | Cooked fava beans can | فول مدمس علبة | 17.50 | 0 | piece | 120
PASTA-400 | Macaroni 400 g | مكرونة ٤٠٠ جم | 14.25 | 0 | piece | 90
OIL-SUN-1L | Sunflower oil 1 L | زيت عباد الشمس ١ لتر | 89.95 | 0 | piece | 40
# Dairy and eggs | ألبان وبيض
MILK-1L | Full cream milk 1 L | لبن كامل الدسم ١ لتر | 42.00 | 0 | piece | 60
EGGS-30 | Eggs tray (30) | كرتونة بيض (٣٠) | 185.00 | 0 | piece | 25
YOGH-105 | Plain yoghurt 105 g | زبادي سادة ١٠٥ جم | 9.50 | 14 | piece | 100
CHEESE-WH | White cheese (Domiati) | جبنة بيضاء دمياطي | 165.00 | 14 | kg | 20
CHEESE-RM | Roumi cheese | جبنة رومي | 420.00 | 14 | kg | 10
BUTTER-200 | Butter 200 g | زبدة ٢٠٠ جم | 78.00 | 14 | piece | 30
LABNEH-250 | Labneh 250 g | لبنة ٢٥٠ جم | 39.90 | 14 | piece | 30
# Fruit and vegetables | خضار وفاكهة
TOMATO | Tomatoes | طماطم | 19.99 | 0 | kg | 50
POTATO | Potatoes | بطاطس | 17.50 | 0 | kg | 60
ONION | Red onions | بصل أحمر | 15.00 | 0 | kg | 60
CUCUMBER | Cucumbers | خيار | 22.00 | 0 | kg | 30
BANANA | Bananas | موز | 35.00 | 0 | kg | 30
ORANGE | Baladi oranges | برتقال بلدي | 24.00 | 0 | kg | 40
LEMON | Lemons | ليمون | 45.00 | 0 | kg | 15
# Drinks | مشروبات
WATER-1.5 | Mineral water 1.5 L | مياه معدنية ١٫٥ لتر | 8.50 | 14 | piece | 150
COLA-1L | Cola 1 L | كولا ١ لتر | 25.00 | 14 | piece | 80
JUICE-MANGO | Mango juice 1 L | عصير مانجو ١ لتر | 41.25 | 14 | piece | 40
TEA-40 | Black tea 40 bags | شاي أسود ٤٠ كيس | 57.00 | 14 | piece | 50
COFFEE-TK | Turkish coffee 250 g | بن تركي ٢٥٠ جم | 135.00 | 14 | piece | 20
NESCAFE-3 | Instant coffee 3in1 x10 | قهوة سريعة ٣ في ١ (١٠) | 65.00 | 14 | piece | 30
# Snacks and sweets | سناكس وحلويات
CHIPS-SALT | Potato chips salted | شيبسي ملح | 10.00 | 14 | piece | 120
BISCUIT | Tea biscuits | بسكويت شاي | 7.50 | 14 | piece | 120
CHOC-BAR | Milk chocolate bar | لوح شوكولاتة باللبن | 22.00 | 14 | piece | 80
HALAWA-500 | Halawa 500 g | حلاوة طحينية ٥٠٠ جم | 68.00 | 14 | piece | 25
DATES-500 | Siwa dates 500 g | بلح سيوي ٥٠٠ جم | 55.00 | 0 | piece | 30
NUTS-MIX | Mixed nuts | مكسرات مشكلة | 480.00 | 14 | kg | 8
# Household and care | منظفات وعناية
DETERG-2.5 | Laundry detergent 2.5 kg | مسحوق غسيل ٢٫٥ كجم | 210.00 | 14 | piece | 20
DISH-LIQ | Dishwashing liquid 1 L | سائل أطباق ١ لتر | 48.50 | 14 | piece | 30
SOAP-BAR | Soap bar | صابونة | 18.00 | 14 | piece | 60
SHAMPOO | Shampoo 400 ml | شامبو ٤٠٠ مل | 95.00 | 14 | piece | 20
TISSUE-10 | Tissues (10 packs) | مناديل (١٠ عبوات) | 44.00 | 14 | piece | 40
BLEACH-1L | Bleach 1 L | كلور ١ لتر | 21.75 | 14 | piece | 30
FOIL-10M | Aluminium foil 10 m | ورق ألومنيوم ١٠ متر | 39.00 | 14 | piece | 25
"""
)
