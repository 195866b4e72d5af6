"""Synthetic, realistic wholesale catalogs for the demo, the tests and the benchmark.

Deterministic for a given seed: the same call always yields the same catalog, so tests can name
stock_ids and benchmarks compare like with like.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from decimal import Decimal

from stockgate.domain.catalog import TAG_NAMES, ModelRecord, ProductRecord, TagRecord
from stockgate.domain.money import cents

BRANDS = ["Acme", "Bellavita", "Corteccia", "Dunmore", "Elvira Rossi", "Fjord", "Galloway", "Hanami"]
CATEGORIES = {
    "Clothing": ["T-shirts", "Shirts", "Dresses", "Jeans", "Jackets", "Sweaters"],
    "Shoes": ["Sneakers", "Boots", "Sandals", "Loafers"],
    "Bags": ["Handbags", "Backpacks", "Wallets"],
    "Accessories": ["Belts", "Scarves", "Sunglasses", "Hats"],
}
COLORS = ["black", "white", "navy", "red", "beige", "green", "grey", "brown"]
SIZES = {
    "Clothing": ["XS", "S", "M", "L", "XL"],
    "Shoes": ["38", "39", "40", "41", "42", "43", "44"],
    "Bags": ["UNI"],
    "Accessories": ["UNI", "S/M", "L/XL"],
}
SEASONS = ["SS26", "FW26", "SS27"]
GENDERS = ["women", "men", "unisex"]
LOCALES = ["en_US", "it_IT", "fr_FR", "de_DE", "es_ES"]
_WORDS = {
    "en_US": "A {adj} {sub} by {brand}, made to last.",
    "it_IT": "Un articolo {adj} della linea {sub} di {brand}.",
    "fr_FR": "Un article {adj} de la ligne {sub} par {brand}.",
    "de_DE": "Ein {adj} Artikel der Linie {sub} von {brand}.",
    "es_ES": "Un artículo {adj} de la línea {sub} de {brand}.",
}
_ADJECTIVES = ["classic", "light", "soft", "bold", "elegant", "casual"]
MADE_IN = ["Italy", "Portugal", "Spain", "Romania", "Turkey"]


def generate_catalog(
    *, products: int, seed: int = 42, first_id: int = 1000, locales: int = 2, max_models: int = 6
) -> Iterator[ProductRecord]:
    """`products` products with 1..max_models models each; product ids from first_id, stock_ids from
    first_id * 100 (so the two never collide in messages)."""
    rng = random.Random(seed)  # noqa: S311 - reproducible data, not secrets
    next_stock_id = first_id * 100
    used_locales = LOCALES[: max(1, min(locales, len(LOCALES)))]
    for n in range(products):
        product_id = first_id + n
        brand = rng.choice(BRANDS)
        category = rng.choice(list(CATEGORIES))
        sub = rng.choice(CATEGORIES[category])
        adjective = rng.choice(_ADJECTIVES)
        price = cents(Decimal(rng.randint(900, 25000)) / 100)
        taxable = cents(price * Decimal("0.45"))
        weight = Decimal(rng.randint(100, 2500)).scaleb(-3)
        code = f"{brand[:3].upper()}-{product_id}"
        sizes = SIZES[category]
        color_pool = rng.sample(COLORS, k=min(len(COLORS), max(1, max_models // len(sizes) + 1)))
        variants = [(c, s) for c in color_pool for s in sizes][: rng.randint(1, max_models)]
        models = []
        for color, size in variants:
            models.append(
                ModelRecord(
                    id=next_stock_id,
                    availability=rng.choice([0, 1, 2, 3, 5, 8, 12, 20, 40]),
                    model=f"{code} {color} {size}",
                    code=f"{code}-{color[:2].upper()}-{size}",
                    barcode=f"80{next_stock_id:011d}",
                    color=color,
                    size=size,
                    street_price=price,
                    suggested_price=cents(price * Decimal("0.9")),
                    taxable=taxable,
                    best_taxable=taxable,
                    weight=weight,
                )
            )
            next_stock_id += 1
        tags = [
            TagRecord(1, TAG_NAMES[1], brand),
            TagRecord(4, TAG_NAMES[4], category, {loc: category for loc in used_locales}),
            TagRecord(5, TAG_NAMES[5], sub, {loc: sub for loc in used_locales}),
            TagRecord(11, TAG_NAMES[11], rng.choice(SEASONS)),
            TagRecord(13, TAG_NAMES[13], models[0].color),
            TagRecord(26, TAG_NAMES[26], rng.choice(GENDERS)),
        ]
        yield ProductRecord(
            id=product_id,
            code=code,
            name=f"{brand} {sub} {adjective}",
            street_price=price,
            suggested_price=cents(price * Decimal("0.9")),
            taxable=taxable,
            best_taxable=taxable,
            weight=weight,
            madein=rng.choice(MADE_IN),
            hs="6109100010" if category == "Clothing" else "6403990000",
            localizations={
                "description": {
                    loc: _WORDS[loc].format(adj=adjective, sub=sub, brand=brand) for loc in used_locales
                }
            },
            pictures=[
                {
                    "id": product_id * 10 + k,
                    "url": f"/images/{product_id}-{k}.jpg",
                    "name": f"{code}-{k}.jpg",
                    "modelIds": [],
                }
                for k in range(1, 3)
            ],
            tags=tags,
            models=models,
        )
