"""Personal names from many scripts, with a romanised form for e-mail addresses.

A university directory holds every script; the demo does too, so search, sorting,
printing and fonts are exercised with real-looking names rather than ASCII only.
"""
from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

# (native, romanised) pairs; Latin pools give the native form only.
Pair = tuple[str, str]


@dataclass(frozen=True)
class NamePool:
    script: str
    given: tuple[Pair, ...]
    family: tuple[Pair, ...]
    weight: int


def _latin(names: str) -> tuple[Pair, ...]:
    return tuple((n, ascii_fold(n)) for n in names.split("|"))


def _pairs(text: str) -> tuple[Pair, ...]:
    out = []
    for item in text.split("|"):
        native, roman = item.split("=")
        out.append((native, roman))
    return tuple(out)


_FOLD = str.maketrans({"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ß": "ss", "æ": "ae", "Æ": "AE",
                       "đ": "d", "Đ": "D", "ı": "i", "œ": "oe", "þ": "th", "ð": "d"})


def ascii_fold(text: str) -> str:
    """'Dvořák' -> 'Dvorak', 'Ødegård' -> 'Odegard' (for e-mail local parts)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c) and ord(c) < 128)


POOLS: tuple[NamePool, ...] = (
    NamePool("Latin", _latin(
        "James|Emily|Michael|Olivia|Daniel|Sarah|David|Jessica|Matthew|Ashley|Christopher|Hannah|"
        "Tyler|Madison|Brandon|Lauren|Jordan|Taylor|Marcus|Aaliyah|DeShawn|Keisha|Connor|Megan"),
        _latin("Smith|Johnson|Williams|Brown|Jones|Miller|Davis|Wilson|Anderson|Thomas|Jackson|"
               "White|Harris|Martin|Thompson|Robinson|Clark|Lewis|Walker|Young|Allen|King|Wright|"
               "O'Brien|McAllister|Washington|Hernandez|Nguyen"), 40),
    NamePool("Latin (diacritics)", _latin(
        "José|María|Zoë|Chloé|Björn|Søren|Łukasz|Małgorzata|Tomáš|Jiří|Renée|François|Inês|"
        "João|Ángel|Åsa|Çağla|Gülşen|Ľubica|Ştefan|Ōta|Siobhán|Eoghan|Grzegorz|Zuzanna|Ngọc|Thảo"),
        _latin("Fernández|Müller|Dvořák|Ødegård|Nguyễn|Wiśniewski|Çelik|Šimůnek|Łopatka|"
               "García|Sánchez|Kovačević|Jäger|Bjørnstad|Lefèvre|Gonçalves|Ó Súilleabháin|Yılmaz|"
               "Öztürk|Kowalczyk|Trần|Lê|Phạm|Hämäläinen|Björklund"), 22),
    NamePool("Cyrillic", _pairs(
        "Ирина=Irina|Дмитрий=Dmitri|Анна=Anna|Сергей=Sergei|Ольга=Olga|Алексей=Aleksei|"
        "Наталья=Natalia|Олександр=Oleksandr|Богдана=Bohdana|Тарас=Taras"),
        _pairs("Смирнова=Smirnova|Иванов=Ivanov|Кузнецова=Kuznetsova|Попов=Popov|Соколова=Sokolova|"
               "Шевченко=Shevchenko|Коваленко=Kovalenko|Бондаренко=Bondarenko"), 6),
    NamePool("Greek", _pairs(
        "Γιώργος=Giorgos|Μαρία=Maria|Νίκος=Nikos|Ελένη=Eleni|Δημήτρης=Dimitris|Κατερίνα=Katerina"),
        _pairs("Παπαδόπουλος=Papadopoulos|Οικονόμου=Oikonomou|Γεωργίου=Georgiou|"
               "Παπαδημητρίου=Papadimitriou|Βασιλείου=Vasileiou"), 3),
    NamePool("Arabic", _pairs(
        "أحمد=Ahmed|فاطمة=Fatima|محمد=Mohammed|ليلى=Layla|يوسف=Youssef|مريم=Maryam|عمر=Omar|نور=Nour"),
        _pairs("حسن=Hassan|العلي=Al-Ali|منصور=Mansour|الحسيني=Al-Husseini|خليل=Khalil|سعيد=Saeed"), 6),
    NamePool("Hebrew", _pairs(
        "יעל=Yael|נועם=Noam|תמר=Tamar|אורי=Uri|שירה=Shira|דוד=David"),
        _pairs("כהן=Cohen|לוי=Levi|מזרחי=Mizrahi|פרץ=Peretz|ביטון=Biton"), 3),
    NamePool("Chinese", _pairs(
        "伟=Wei|芳=Fang|静=Jing|磊=Lei|婷=Ting|浩然=Haoran|子涵=Zihan|欣怡=Xinyi"),
        _pairs("王=Wang|李=Li|张=Zhang|刘=Liu|陈=Chen|杨=Yang|黄=Huang|赵=Zhao"), 8),
    NamePool("Japanese", _pairs(
        "美咲=Misaki|翔太=Shota|陽菜=Hina|大輝=Daiki|さくら=Sakura|健太=Kenta"),
        _pairs("佐藤=Sato|鈴木=Suzuki|高橋=Takahashi|田中=Tanaka|渡辺=Watanabe|山本=Yamamoto"), 4),
    NamePool("Korean", _pairs(
        "지훈=Jihoon|서연=Seoyeon|민준=Minjun|하은=Haeun|도윤=Doyun|지우=Jiwoo"),
        _pairs("김=Kim|이=Lee|박=Park|최=Choi|정=Jung|강=Kang"), 4),
    NamePool("Devanagari", _pairs(
        "आरव=Aarav|प्रिया=Priya|अनन्या=Ananya|रोहन=Rohan|दीपिका=Deepika|विक्रम=Vikram"),
        _pairs("शर्मा=Sharma|वर्मा=Verma|पटेल=Patel|गुप्ता=Gupta|सिंह=Singh|जोशी=Joshi"), 6),
    NamePool("Tamil", _pairs("கார்த்திக்=Karthik|மீனா=Meena|அருண்=Arun|லக்ஷ்மி=Lakshmi"),
             _pairs("சுப்பிரமணியன்=Subramanian|ராஜா=Raja|கிருஷ்ணன்=Krishnan"), 2),
    NamePool("Thai", _pairs("สมชาย=Somchai|มาลี=Malee|ธนพร=Thanaporn"),
             _pairs("ศรีสุข=Srisuk|วงศ์ใหญ่=Wongyai|แสงทอง=Saengthong"), 1),
    NamePool("Georgian", _pairs("ნინო=Nino|გიორგი=Giorgi|თამარ=Tamar"),
             _pairs("ბერიძე=Beridze|კაპანაძე=Kapanadze|გელაშვილი=Gelashvili"), 1),
    NamePool("Armenian", _pairs("Արամ=Aram|Անի=Ani|Տիգրան=Tigran"),
             _pairs("Հովհաննիսյան=Hovhannisyan|Պետրոսյան=Petrosyan"), 1),
    NamePool("Ethiopic", _pairs("አበበ=Abebe|ሰላም=Selam|ሄኖክ=Henok"),
             _pairs("ተስፋዬ=Tesfaye|ገብረ መድህን=Gebremedhin|አለሙ=Alemu"), 1),
)

PREFERRED = ("Alex", "Sam", "Jo", "Kit", "Max", "Lee", "Ray", "Nico")


@dataclass(frozen=True)
class Name:
    given: str
    family: str
    preferred: str | None
    email_local: str
    script: str


class NamePicker:
    """Draws names with a fixed script mix from one seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._cum: list[int] = []
        total = 0
        for pool in POOLS:
            total += pool.weight
            self._cum.append(total)
        self._total = total

    def pool(self) -> NamePool:
        from bisect import bisect_right

        return POOLS[bisect_right(self._cum, self.rng.randrange(self._total))]

    def name(self) -> Name:
        rng = self.rng
        pool = self.pool()
        given, g_roman = rng.choice(pool.given)
        family, f_roman = rng.choice(pool.family)
        preferred = rng.choice(PREFERRED) if rng.random() < 0.08 else None
        local = f"{g_roman}.{f_roman}".lower().replace(" ", "").replace("'", "")
        return Name(given, family, preferred, local, pool.script)
