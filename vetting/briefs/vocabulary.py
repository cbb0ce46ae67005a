"""The words the brief parser knows, in English and Chinese, mapped onto the catalogue's own codes.

Every value here is a value the product already uses: platform codes of `Platform`, ISO country
and language codes, the age bands of `AudienceProfile.AGE_BANDS`, the genders of `GENDERS`, the
category/interest tokens of the catalogue (the demo generator's ten niches), the follower tiers of
the engagement benchmark table (`vetting/scoring/data/er_benchmarks.json`) and the brand-safety
topics of the concept table (`vetting.scoring.text_similarity.CONCEPTS`). tests/vetting check
each of these against its source, so a vocabulary cannot drift from the catalogue.

Aliases are matched case-insensitively; Latin ones as whole words, Chinese ones anywhere.
`CASE_SENSITIVE` aliases ("RED", "US", "X") only match as written, because in lower case they
are ordinary English words.
"""

from __future__ import annotations

# --- platforms -------------------------------------------------------------------------------

PLATFORMS: dict[str, tuple[str, ...]] = {
    "xiaohongshu": ("小红书", "小紅書", "红书", "xiaohongshu", "xhs", "little red book", "rednote", "red note"),
    "douyin": ("抖音", "douyin"),
    "bilibili": ("b站", "哔哩哔哩", "嗶哩嗶哩", "bilibili", "bili bili", "up主", "up 主"),
    "weibo": ("微博", "新浪微博", "weibo", "sina weibo"),
    "tiktok": ("tiktok", "tik tok", "tiktoker", "tiktokers", "国际版抖音"),
    "instagram": ("instagram", "instagrammer", "instagrammers", "insta", "ig", "ins", "照片墙"),
    "youtube": ("youtube", "youtuber", "youtubers", "yt", "油管", "油管博主"),
    "x": ("twitter", "推特", "x/twitter", "x (twitter)"),
    "facebook": ("facebook", "fb", "脸书", "臉書"),
    "pinterest": ("pinterest", "缤趣"),
}
# Only as written: lower-case "red", "x" and "us" are everyday words.
CASE_SENSITIVE_PLATFORMS: dict[str, tuple[str, ...]] = {"xiaohongshu": ("RED",), "x": ("X",)}

# --- places ----------------------------------------------------------------------------------

COUNTRIES: dict[str, tuple[str, ...]] = {
    "CN": ("中国大陆", "中国内地", "中国", "内地", "大陆", "国内", "china", "mainland china", "prc"),
    "TW": ("台湾", "臺灣", "taiwan", "taiwanese"),
    "HK": ("香港", "hong kong", "hongkong", "hk"),
    "MO": ("澳门", "macau", "macao"),
    "SG": ("新加坡", "singapore", "singaporean"),
    "MY": ("马来西亚", "大马", "malaysia", "malaysian"),
    "US": ("美国", "united states", "usa", "u.s.a.", "u.s.", "america", "american", "americans"),
    "GB": ("英国", "united kingdom", "uk", "u.k.", "britain", "great britain", "british", "england"),
    "JP": ("日本", "japan"),
    "KR": ("韩国", "south korea", "korea"),
    "AU": ("澳大利亚", "澳洲", "australia", "australian", "australians", "aussie"),
    "CA": ("加拿大", "canada", "canadian", "canadians"),
    "NZ": ("新西兰", "new zealand"),
    "IE": ("爱尔兰", "ireland", "irish"),
    "FR": ("法国", "france"),
    "DE": ("德国", "germany"),
    "IT": ("意大利", "italy", "italian"),
    "ES": ("西班牙", "spain"),
    "NL": ("荷兰", "netherlands", "holland", "dutch"),
    "TH": ("泰国", "thailand", "thai"),
    "VN": ("越南", "vietnam", "viet nam", "vietnamese"),
    "ID": ("印尼", "印度尼西亚", "indonesia", "indonesian"),
    "PH": ("菲律宾", "philippines", "filipino"),
    "IN": ("印度", "india", "indian"),
    "AE": ("阿联酋", "uae", "united arab emirates"),
    "SA": ("沙特", "沙特阿拉伯", "saudi arabia", "saudi"),
    "BR": ("巴西", "brazil", "brazilian"),
    "MX": ("墨西哥", "mexico", "mexican"),
}
CASE_SENSITIVE_COUNTRIES: dict[str, tuple[str, ...]] = {"US": ("US",)}
# Cities written as is ("LA", not the Spanish article "la").
CASE_SENSITIVE_CITIES: dict[str, tuple[str, str]] = {"LA": ("US", "Los Angeles"), "SF": ("US", "San Francisco")}

# City → (country, English name). The catalogue has no city: a city searches its country and
# the parser adds a note saying so.
CITIES: dict[str, tuple[str, str]] = {
    "上海": ("CN", "Shanghai"),
    "shanghai": ("CN", "Shanghai"),
    "北京": ("CN", "Beijing"),
    "beijing": ("CN", "Beijing"),
    "广州": ("CN", "Guangzhou"),
    "guangzhou": ("CN", "Guangzhou"),
    "深圳": ("CN", "Shenzhen"),
    "shenzhen": ("CN", "Shenzhen"),
    "杭州": ("CN", "Hangzhou"),
    "hangzhou": ("CN", "Hangzhou"),
    "成都": ("CN", "Chengdu"),
    "chengdu": ("CN", "Chengdu"),
    "重庆": ("CN", "Chongqing"),
    "chongqing": ("CN", "Chongqing"),
    "武汉": ("CN", "Wuhan"),
    "wuhan": ("CN", "Wuhan"),
    "南京": ("CN", "Nanjing"),
    "nanjing": ("CN", "Nanjing"),
    "西安": ("CN", "Xi'an"),
    "xi'an": ("CN", "Xi'an"),
    "苏州": ("CN", "Suzhou"),
    "suzhou": ("CN", "Suzhou"),
    "天津": ("CN", "Tianjin"),
    "长沙": ("CN", "Changsha"),
    "厦门": ("CN", "Xiamen"),
    "青岛": ("CN", "Qingdao"),
    "广东": ("CN", "Guangdong"),
    "浙江": ("CN", "Zhejiang"),
    "江苏": ("CN", "Jiangsu"),
    "福建": ("CN", "Fujian"),
    "四川": ("CN", "Sichuan"),
    "山东": ("CN", "Shandong"),
    "湖南": ("CN", "Hunan"),
    "湖北": ("CN", "Hubei"),
    "河南": ("CN", "Henan"),
    "一线城市": ("CN", "first-tier cities"),
    "新一线城市": ("CN", "new first-tier cities"),
    "江浙沪": ("CN", "Jiangsu, Zhejiang and Shanghai"),
    "台北": ("TW", "Taipei"),
    "taipei": ("TW", "Taipei"),
    "东京": ("JP", "Tokyo"),
    "tokyo": ("JP", "Tokyo"),
    "大阪": ("JP", "Osaka"),
    "osaka": ("JP", "Osaka"),
    "首尔": ("KR", "Seoul"),
    "seoul": ("KR", "Seoul"),
    "伦敦": ("GB", "London"),
    "london": ("GB", "London"),
    "曼彻斯特": ("GB", "Manchester"),
    "manchester": ("GB", "Manchester"),
    "纽约": ("US", "New York"),
    "new york": ("US", "New York"),
    "nyc": ("US", "New York"),
    "洛杉矶": ("US", "Los Angeles"),
    "los angeles": ("US", "Los Angeles"),
    "旧金山": ("US", "San Francisco"),
    "san francisco": ("US", "San Francisco"),
    "芝加哥": ("US", "Chicago"),
    "chicago": ("US", "Chicago"),
    "西雅图": ("US", "Seattle"),
    "seattle": ("US", "Seattle"),
    "悉尼": ("AU", "Sydney"),
    "sydney": ("AU", "Sydney"),
    "墨尔本": ("AU", "Melbourne"),
    "melbourne": ("AU", "Melbourne"),
    "多伦多": ("CA", "Toronto"),
    "toronto": ("CA", "Toronto"),
    "温哥华": ("CA", "Vancouver"),
    "vancouver": ("CA", "Vancouver"),
    "巴黎": ("FR", "Paris"),
    "paris": ("FR", "Paris"),
    "柏林": ("DE", "Berlin"),
    "berlin": ("DE", "Berlin"),
    "吉隆坡": ("MY", "Kuala Lumpur"),
    "kuala lumpur": ("MY", "Kuala Lumpur"),
    "曼谷": ("TH", "Bangkok"),
    "bangkok": ("TH", "Bangkok"),
    "迪拜": ("AE", "Dubai"),
    "dubai": ("AE", "Dubai"),
}

# --- languages -------------------------------------------------------------------------------

# Language names. Demonyms that are also language names ("Chinese", "Japanese") are read as the
# language: "Japanese creators" are creators who post in Japanese; "in Japan" is the country.
LANGUAGES: dict[str, tuple[str, ...]] = {
    "zh": ("中文", "汉语", "普通话", "华语", "chinese", "mandarin", "chinese-speaking", "mandarin-speaking"),
    "en": ("英文", "英语", "english", "english-speaking"),
    "ja": ("日语", "日文", "japanese", "japanese-speaking"),
    "ko": ("韩语", "韩文", "korean", "korean-speaking"),
    "es": ("西班牙语", "spanish", "spanish-speaking"),
    "fr": ("法语", "french", "french-speaking"),
    "de": ("德语", "german", "german-speaking"),
    "ms": ("马来语", "malay"),
    "th": ("泰语",),
    "vi": ("越南语",),
    "pt": ("葡萄牙语", "portuguese"),
}

# --- genders ---------------------------------------------------------------------------------

GENDERS: dict[str, tuple[str, ...]] = {
    "female": (
        "女生",
        "女性",
        "女孩",
        "女孩子",
        "女粉",
        "女粉丝",
        "女用户",
        "姑娘",
        "妹子",
        "小姐姐",
        "女士",
        "women",
        "woman",
        "female",
        "females",
        "girls",
        "ladies",
        "gals",
    ),
    "male": (
        "男生",
        "男性",
        "男孩",
        "男孩子",
        "男粉",
        "男粉丝",
        "男用户",
        "小哥哥",
        "男士",
        "men",
        "man",
        "male",
        "males",
        "guys",
        "boys",
    ),
}
# Said of the whole audience, these set no gender (consumed, not unknown).
# "Any platform", "地区不限": said so that no filter is set (consumed, not unknown).
ANY_VALUE = (
    "平台不限",
    "不限平台",
    "全平台",
    "地区不限",
    "不限地区",
    "国家不限",
    "any platform",
    "any platforms",
    "all platforms",
    "platform agnostic",
    "any country",
    "anywhere",
    "worldwide",
    "global",
)
ANY_GENDER = ("男女不限", "不限男女", "男女都可以", "性别不限", "不限性别", "any gender", "all genders", "both genders")

# --- ages ------------------------------------------------------------------------------------

AGE_BANDS = ("13-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+")
# (first age, last age) of each band; "65+" counts as ten years when a range is spread over bands.
AGE_BAND_SPANS: dict[str, tuple[int, int]] = {
    "13-17": (13, 17),
    "18-24": (18, 24),
    "25-34": (25, 34),
    "35-44": (35, 44),
    "45-54": (45, 54),
    "55-64": (55, 64),
    "65+": (65, 74),
}
YOUNGEST_AGE, OLDEST_AGE = 13, 74

# Words that name an age range (first, last age).
AGE_WORDS: dict[tuple[int, int], tuple[str, ...]] = {
    (13, 17): ("青少年", "teens", "teenagers", "teenage", "teen"),
    (18, 24): ("大学生", "学生党", "学生", "college students", "university students", "students", "uni students"),
    (18, 34): ("年轻人", "年轻女性", "年轻男性", "年轻", "young people", "young adults", "young"),
    (25, 34): ("上班族", "白领", "职场人", "打工人", "young professionals", "office workers"),
    (35, 54): ("中年", "middle-aged", "middle aged"),
    (55, 74): ("银发", "老年人", "中老年", "seniors", "elderly", "retirees"),
}
# Generations by birth years: their ages depend on the date the brief is read.
GENERATIONS: dict[str, tuple[int, int]] = {
    "gen z": (1997, 2012),
    "gen-z": (1997, 2012),
    "genz": (1997, 2012),
    "generation z": (1997, 2012),
    "zoomers": (1997, 2012),
    "z世代": (1997, 2012),
    "millennials": (1981, 1996),
    "millennial": (1981, 1996),
    "千禧一代": (1981, 1996),
    "千禧": (1981, 1996),
    "gen x": (1965, 1980),
    "x世代": (1965, 1980),
}

# --- categories and interests ----------------------------------------------------------------

# The catalogue's category tokens (Creator.categories, AudienceProfile.interests), each with the
# words that name it or a narrower topic of it. Longer phrases win ("trail running" is outdoor).
CATEGORIES: dict[str, tuple[str, ...]] = {
    "beauty": (
        "美妆",
        "护肤",
        "彩妆",
        "化妆",
        "美容",
        "口红",
        "个护",
        "香水",
        "beauty",
        "skincare",
        "skin care",
        "makeup",
        "make-up",
        "cosmetics",
        "fragrance",
        "perfume",
    ),
    "fashion": (
        "穿搭",
        "时尚",
        "服饰",
        "服装",
        "潮流",
        "时装",
        "fashion",
        "style",
        "styling",
        "outfits",
        "ootd",
        "clothing",
        "streetwear",
        "apparel",
    ),
    "travel": ("旅行", "旅游", "出行", "度假", "travel", "travelling", "traveling", "trips", "tourism", "holidays"),
    "food": (
        "美食",
        "探店",
        "做饭",
        "烹饪",
        "餐饮",
        "吃货",
        "烘焙",
        "食谱",
        "咖啡",
        "food",
        "foodie",
        "foodies",
        "cooking",
        "recipes",
        "restaurants",
        "baking",
        "eating out",
        "coffee",
    ),
    "fitness": (
        "健身",
        "运动",
        "瑜伽",
        "跑步",
        "减脂",
        "普拉提",
        "马拉松",
        "fitness",
        "workout",
        "workouts",
        "gym",
        "yoga",
        "running",
        "runners",
        "pilates",
        "marathon",
        "marathons",
        "sports",
        "training",
    ),
    "tech": ("数码", "科技", "3c", "电子产品", "tech", "technology", "gadgets", "electronics", "consumer electronics"),
    "gaming": ("游戏", "电竞", "手游", "主机游戏", "gaming", "games", "video games", "gamers", "esports", "e-sports"),
    "parenting": (
        "育儿",
        "母婴",
        "亲子",
        "宝宝",
        "带娃",
        "parenting",
        "parents",
        "babies",
        "baby",
        "kids",
        "family",
        "families",
    ),
    "home": (
        "家居",
        "装修",
        "家装",
        "收纳",
        "软装",
        "home decor",
        "home and living",
        "home & living",
        "homeware",
        "interiors",
        "interior design",
        "home",
    ),
    "outdoor": (
        "户外",
        "徒步",
        "露营",
        "登山",
        "骑行",
        "滑雪",
        "越野跑",
        "outdoor",
        "outdoors",
        "hiking",
        "camping",
        "climbing",
        "trail running",
        "cycling",
        "skiing",
    ),
}
# Person words that say both a gender and a category ("宝妈": mothers of young children).
PERSONAS: dict[str, tuple[str, str]] = {
    "宝妈": ("female", "parenting"),
    "妈妈": ("female", "parenting"),
    "新手妈妈": ("female", "parenting"),
    "moms": ("female", "parenting"),
    "mums": ("female", "parenting"),
    "mothers": ("female", "parenting"),
    "mommy": ("female", "parenting"),
    "mommies": ("female", "parenting"),
    "mummy": ("female", "parenting"),
    "mummies": ("female", "parenting"),
    "mom": ("female", "parenting"),
    "mum": ("female", "parenting"),
    "奶爸": ("male", "parenting"),
    "dads": ("male", "parenting"),
    "fathers": ("male", "parenting"),
}

# --- follower tiers --------------------------------------------------------------------------

# (min followers, max followers or None) of the engagement benchmark table's tiers
# (vetting/scoring/data/er_benchmarks.json; tests check they agree), so "micro" in a brief is
# "micro" in the engagement report. A tier with min 0 sets no min_followers.
TIERS: dict[str, tuple[int, int | None]] = {
    "nano": (0, 10_000),
    "micro": (10_000, 50_000),
    "mid": (50_000, 500_000),
    "macro": (500_000, 1_000_000),
    "mega": (1_000_000, None),
}
TIER_WORDS: dict[str, tuple[str, ...]] = {
    "nano": ("nano", "nano-influencers", "nano-influencer", "nano-creators", "素人", "koc", "kocs"),
    "micro": ("micro", "micro-influencers", "micro-influencer", "micro-creators", "尾部", "小博主", "初级达人"),
    "mid": ("mid-tier", "mid tier", "mid-size", "mid-sized", "mid", "腰部", "中腰部"),
    "macro": ("macro", "macro-influencers", "macro-influencer", "macro-creators"),
    "mega": ("mega", "mega-influencers", "celebrities", "celebrity", "明星"),
}
# Chinese "头部" (the top of the market) covers both macro and mega: 500k and up.
TOP_TIER_WORDS = ("头部", "大v", "大博主", "top-tier", "top tier")

# --- brands ----------------------------------------------------------------------------------

# Known brands: canonical name (Latin and Chinese together, so the `not_worked_with` filter finds
# either spelling; influencers.sponsorship.name_variants splits them) → aliases. The demo
# catalogue's sponsors are included so the demo's competitors are recognised.
BRANDS: dict[str, tuple[str, ...]] = {
    "Estée Lauder 雅诗兰黛": ("estée lauder", "estee lauder", "雅诗兰黛"),
    "Lancôme 兰蔻": ("lancôme", "lancome", "兰蔻"),
    "L'Oréal 欧莱雅": ("l'oréal", "l'oreal", "loreal", "l’oréal", "l’oreal", "欧莱雅"),
    "Shiseido 资生堂": ("shiseido", "资生堂"),
    "SK-II": ("sk-ii", "sk-2", "skii", "sk2"),
    "Dior 迪奥": ("dior", "迪奥"),
    "Chanel 香奈儿": ("chanel", "香奈儿"),
    "Clinique 倩碧": ("clinique", "倩碧"),
    "Clarins 娇韵诗": ("clarins", "娇韵诗"),
    "La Roche-Posay 理肤泉": ("la roche-posay", "la roche posay", "理肤泉"),
    "Olay 玉兰油": ("olay", "玉兰油"),
    "Kiehl's 科颜氏": ("kiehl's", "kiehls", "科颜氏"),
    "Innisfree 悦诗风吟": ("innisfree", "悦诗风吟"),
    "Maybelline 美宝莲": ("maybelline", "美宝莲"),
    "YSL 圣罗兰": ("ysl", "yves saint laurent", "圣罗兰"),
    "Perfect Diary 完美日记": ("perfect diary", "完美日记"),
    "Florasis 花西子": ("florasis", "花西子"),
    "Proya 珀莱雅": ("proya", "珀莱雅"),
    "Winona 薇诺娜": ("winona", "薇诺娜"),
    "Sephora 丝芙兰": ("sephora", "丝芙兰"),
    "The Ordinary": ("the ordinary",),
    "Glossier": ("glossier",),
    "Fenty Beauty": ("fenty beauty", "fenty"),
    "Nike 耐克": ("nike", "耐克"),
    "Adidas 阿迪达斯": ("adidas", "阿迪达斯", "阿迪"),
    "Lululemon 露露乐蒙": ("lululemon", "露露乐蒙"),
    "Anta 安踏": ("anta", "安踏"),
    "Li-Ning 李宁": ("li-ning", "li ning", "lining", "李宁"),
    "Under Armour 安德玛": ("under armour", "安德玛"),
    "Puma 彪马": ("puma", "彪马"),
    "New Balance 新百伦": ("new balance", "新百伦"),
    "Apple 苹果": ("apple", "苹果"),
    "Huawei 华为": ("huawei", "华为"),
    "Xiaomi 小米": ("xiaomi", "小米"),
    "Samsung 三星": ("samsung", "三星"),
    "Sony 索尼": ("sony", "索尼"),
    "Dyson 戴森": ("dyson", "戴森"),
    "Starbucks 星巴克": ("starbucks", "星巴克"),
    "Luckin Coffee 瑞幸": ("luckin coffee", "luckin", "瑞幸"),
    "Heytea 喜茶": ("heytea", "喜茶"),
    "Coca-Cola 可口可乐": ("coca-cola", "coca cola", "coke", "可口可乐"),
    "Pepsi 百事": ("pepsi", "百事可乐", "百事"),
    "Red Bull 红牛": ("red bull", "红牛"),
    "Genki Forest 元气森林": ("genki forest", "元气森林"),
    "Budweiser 百威": ("budweiser", "百威"),
    "Uniqlo 优衣库": ("uniqlo", "优衣库"),
    "Zara": ("zara",),
    "H&M": ("h&m",),
    "Shein 希音": ("shein", "希音"),
    "Gucci 古驰": ("gucci", "古驰"),
    "Louis Vuitton 路易威登": ("louis vuitton", "路易威登"),
    "Tesla 特斯拉": ("tesla", "特斯拉"),
    "Pop Mart 泡泡玛特": ("pop mart", "泡泡玛特"),
    # the demo catalogue's sponsors (influencers/services/demo/content.py)
    "Lumiskin 璐美肤": ("lumiskin", "璐美肤"),
    "Dewlab": ("dewlab",),
    "Aurora Botanics": ("aurora botanics",),
    "Summit Forge": ("summit forge",),
    "Trailwise": ("trailwise",),
    "Razorback Gear": ("razorback gear", "razorback"),
    "HyperClick": ("hyperclick",),
    "Yumi Tea 遇米茶": ("yumi tea", "遇米茶"),
    "Nimbus Phone": ("nimbus phone",),
    "CityBike": ("citybike",),
    "Koala Baby": ("koala baby",),
    "Maison Lune": ("maison lune",),
    "FitFuel": ("fitfuel",),
    "Nomad Luggage": ("nomad luggage",),
    "HomeNest 家巢": ("homenest", "家巢"),
}

# --- excluded topics -------------------------------------------------------------------------

# Brand-safety topics: the keys are concepts of vetting.scoring.text_similarity.CONCEPTS, which
# value alignment expands into keywords when a brand excludes the topic. An alias may name two
# topics ("烟酒": tobacco and alcohol).
TOPICS: dict[str, tuple[str, ...]] = {
    "alcohol": (
        "alcohol",
        "alcoholic drinks",
        "alcoholic",
        "booze",
        "drinking",
        "beer",
        "wine",
        "spirits",
        "liquor",
        "酒类",
        "酒精",
        "白酒",
        "啤酒",
        "红酒",
        "喝酒",
        "饮酒",
        "酒水",
        "酒",
    ),
    "gambling": ("gambling", "betting", "casino", "casinos", "赌博", "博彩", "赌场", "彩票", "赌"),
    "tobacco": (
        "tobacco",
        "smoking",
        "cigarettes",
        "cigarette",
        "vaping",
        "vapes",
        "vape",
        "e-cigarettes",
        "e-cigs",
        "香烟",
        "烟草",
        "电子烟",
        "吸烟",
        "抽烟",
    ),
    "politics": ("politics", "political", "政治", "涉政", "时政"),
    "adult": ("adult content", "adult", "nsfw", "explicit content", "sexual content", "擦边", "色情", "成人内容"),
    "weapons": ("weapons", "weapon", "guns", "firearms", "枪支", "武器"),
    "drugs": ("drugs", "cannabis", "weed", "marijuana", "毒品", "大麻"),
    "fast_fashion": ("fast fashion", "快时尚"),
}
TOPIC_PAIRS: dict[str, tuple[str, ...]] = {"烟酒": ("tobacco", "alcohol"), "黄赌毒": ("adult", "gambling", "drugs")}

# --- fillers ---------------------------------------------------------------------------------

# Words a brief is made of that carry no filter. What is left over once every recogniser has run
# is trimmed of FILLERS at its edges ("creators who love cats" → "love cats"); it is reported as
# unknown only when something remains without the SOFT words too ("喜欢" alone is dropped, "喜欢猫"
# is reported whole).
FILLERS_EN = frozenset(
    """
    a an the and or but of to in on at by for from with within who whom that which whose are is be been
    being have has having had do does did i we you they our us me my your their it its this these those s
    find finding looking look search searching need needs want wants seeking seek hire hiring book booking
    please can could would should must also only just some any all each both most more mainly mostly
    creator creators influencer influencers kol kols blogger bloggers vlogger vloggers account accounts
    people person profiles profile talent talents partner partners ambassador ambassadors
    based located living content posts videos audience audiences followers follower
    viewers subscribers readers community campaign campaigns brief brand brands
    etc ideally preferably preferred prefer ok okay yes really very local locally
    posting creating making sharing talking speak speaks speaking
    reviewer reviewers streamer streamers podcaster podcasters targeting aimed niche niches space
    """.split()
)
SOFT_EN = frozenset(
    """
    into interested love loves loving like likes enthusiasts enthusiast lovers lover fan fans obsessed passionate
    about care cares caring who're who've post posts create creates make makes share shares talk talks do does
    """.split()
)
FILLERS_ZH = (
    "帮我找",
    "千万",
    "一定",
    "务必",
    "投放",
    "一批",
    "想",
    "以",
    "本地",
    "分区",
    "为主",
    "居多",
    "我们想找",
    "我们需要",
    "我们要",
    "想找",
    "寻找",
    "需要",
    "想要",
    "希望",
    "最好是",
    "最好",
    "优先",
    "一些",
    "几个",
    "几位",
    "博主们",
    "博主",
    "达人",
    "网红",
    "创作者",
    "主播",
    "账号",
    "红人",
    "kol",
    "平台",
    "粉丝",
    "用户",
    "受众",
    "人群",
    "群体",
    "观众",
    "内容",
    "类",
    "方向",
    "领域",
    "垂类",
    "以及",
    "或者",
    "并且",
    "而且",
    "可以",
    "我们",
    "都",
    "也",
    "和",
    "与",
    "跟",
    "或",
    "及",
    "且",
    "找",
    "要",
    "会",
    "做",
    "拍",
    "区",
    "的",
    "在",
    "上",
    "里",
    "是",
    "有",
    "为",
    "对",
    "个",
    "些",
    "呢",
    "吧",
    "啊",
    "哦",
    "哈",
)
SOFT_ZH = ("喜欢", "热爱", "爱好者", "感兴趣", "关注", "偏爱", "爱")
