"""Word lists the synthetic demo catalogue is generated from: names (Chinese, pinyin, English,
Japanese, Korean, Malay), places, niches with bilingual captions and hashtags, sponsors, brand-
safety phrases and comment texts. All invented; any resemblance to real accounts is chance."""

from __future__ import annotations

# (hanzi, pinyin) surnames and given names, combined into realistic Chinese names and pinyin handles.
CN_SURNAMES = (
    ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"), ("黄", "huang"),
    ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"), ("徐", "xu"), ("孙", "sun"), ("马", "ma"), ("朱", "zhu"),
    ("胡", "hu"), ("郭", "guo"), ("何", "he"), ("林", "lin"), ("高", "gao"), ("罗", "luo"), ("郑", "zheng"),
    ("梁", "liang"), ("谢", "xie"), ("宋", "song"), ("唐", "tang"), ("许", "xu"), ("韩", "han"), ("冯", "feng"),
    ("邓", "deng"), ("曹", "cao"), ("彭", "peng"), ("曾", "zeng"), ("萧", "xiao"), ("田", "tian"), ("潘", "pan"),
    ("袁", "yuan"), ("蔡", "cai"), ("蒋", "jiang"), ("叶", "ye"), ("程", "cheng"), ("苏", "su"), ("沈", "shen"),
)
CN_GIVEN_NAMES = (
    ("思琪", "siqi"), ("子涵", "zihan"), ("雨桐", "yutong"), ("欣怡", "xinyi"), ("梓萱", "zixuan"), ("浩然", "haoran"),
    ("宇轩", "yuxuan"), ("晓明", "xiaoming"), ("佳琪", "jiaqi"), ("嘉怡", "jiayi"), ("一鸣", "yiming"),
    ("若曦", "ruoxi"), ("俊杰", "junjie"), ("志强", "zhiqiang"), ("婷婷", "tingting"), ("小鹿", "xiaolu"),
    ("可可", "keke"), ("安琪", "anqi"), ("天宇", "tianyu"), ("文博", "wenbo"), ("美琳", "meilin"),
    ("家豪", "jiahao"), ("诗涵", "shihan"), ("明轩", "mingxuan"), ("雪莹", "xueying"), ("梦瑶", "mengyao"),
    ("子墨", "zimo"), ("乐乐", "lele"), ("悦", "yue"), ("晨", "chen"), ("依依", "yiyi"), ("嘉欣", "jiaxin"),
)
# Chinese creator nicknames: <name part><topic suffix>, e.g. 琪琪的美妆日记, 小鹿去旅行.
CN_NICK_SUFFIXES = ("的日常", "日记", "酱", "不吃香菜", "的小窝", "在路上", "爱分享", "同学", "Vlog")
EN_FIRST_NAMES = (
    "Emma", "Olivia", "Ava", "Mia", "Chloe", "Grace", "Lily", "Zoe", "Hannah", "Jack", "Liam", "Noah", "Ethan",
    "Lucas", "Mason", "Ryan", "Daniel", "Sophie", "Ella", "Ruby", "Jake", "Tom", "Sam", "Alex", "Nina", "Maya",
    "Harper", "Leo", "Isla", "Oscar", "Freya", "Theo",
)
EN_LAST_NAMES = (
    "Smith", "Johnson", "Brown", "Taylor", "Wilson", "Clarke", "Walker", "Hughes", "Bennett", "Carter", "Miller",
    "Davis", "Evans", "Reid", "Murphy", "Parker", "Cooper", "Ward", "Foster", "Hayes", "Brooks", "Price",
)
JP_NAMES = (("Yui", "Tanaka"), ("Haruto", "Sato"), ("Aoi", "Suzuki"), ("Ren", "Takahashi"), ("Sakura", "Ito"),
            ("Yuna", "Watanabe"), ("Sota", "Yamamoto"), ("Mei", "Nakamura"), ("Riku", "Kobayashi"), ("Hina", "Kato"))
KR_NAMES = (("Ji-woo", "Kim"), ("Min-jun", "Lee"), ("Seo-yeon", "Park"), ("Ha-eun", "Choi"), ("Do-yun", "Jung"),
            ("Su-bin", "Kang"), ("Ye-jin", "Cho"), ("Jae-hyun", "Yoon"), ("Na-rae", "Jang"), ("Hyun-woo", "Lim"))
# Singapore / Malaysia: English first names with Chinese surnames in romanisation, and Malay names.
SEA_CHINESE_SURNAMES = ("Tan", "Lim", "Lee", "Ng", "Ong", "Wong", "Goh", "Chua", "Chan", "Koh", "Teo", "Yeo")
MALAY_NAMES = ("Nur Aisyah", "Ahmad Faiz", "Siti Nurhaliza", "Amir Hakim", "Farah Izzati", "Hafiz Rahman",
               "Aina Sofea", "Irfan Zaki")

CITIES = {
    "CN": (("上海", "Shanghai"), ("北京", "Beijing"), ("成都", "Chengdu"), ("杭州", "Hangzhou"), ("广州", "Guangzhou"),
           ("深圳", "Shenzhen"), ("重庆", "Chongqing"), ("厦门", "Xiamen")),
    "TW": (("台北", "Taipei"), ("台中", "Taichung"), ("高雄", "Kaohsiung")),
    "HK": (("香港", "Hong Kong"),),
    "SG": (("新加坡", "Singapore"),),
    "MY": (("吉隆坡", "Kuala Lumpur"), ("槟城", "Penang")),
    "US": (("洛杉矶", "Los Angeles"), ("纽约", "New York"), ("西雅图", "Seattle"), ("奥斯汀", "Austin"), ("丹佛", "Denver")),
    "GB": (("伦敦", "London"), ("曼彻斯特", "Manchester"), ("爱丁堡", "Edinburgh")),
    "JP": (("东京", "Tokyo"), ("大阪", "Osaka"), ("京都", "Kyoto")),
    "KR": (("首尔", "Seoul"), ("釜山", "Busan")),
    "AU": (("悉尼", "Sydney"), ("墨尔本", "Melbourne")),
    "CA": (("温哥华", "Vancouver"), ("多伦多", "Toronto")),
}

# Country → (weight in the catalogue, languages of its creators, neighbours for audiences).
COUNTRIES = {
    "CN": (34, ("zh",), ("TW", "HK", "SG", "MY", "US")),
    "TW": (8, ("zh",), ("HK", "CN", "JP", "US")),
    "HK": (5, ("zh", "en"), ("CN", "TW", "SG", "GB")),
    "SG": (6, ("en", "zh"), ("MY", "CN", "AU", "US")),
    "MY": (5, ("ms", "en", "zh"), ("SG", "CN", "AU")),
    "US": (18, ("en",), ("CA", "GB", "AU")),
    "GB": (8, ("en",), ("US", "AU", "CA")),
    "JP": (5, ("ja", "en"), ("US", "TW", "KR")),
    "KR": (5, ("ko", "en"), ("US", "JP", "TW")),
    "AU": (3, ("en",), ("US", "GB", "SG")),
    "CA": (2, ("en",), ("US", "GB")),
}
COUNTRY_LANGUAGES = {
    "CN": {"zh": 1.0}, "TW": {"zh": 1.0}, "HK": {"zh": 0.8, "en": 0.2}, "SG": {"en": 0.6, "zh": 0.4},
    "MY": {"ms": 0.4, "en": 0.3, "zh": 0.3}, "US": {"en": 0.9, "es": 0.1}, "GB": {"en": 1.0}, "JP": {"ja": 1.0},
    "KR": {"ko": 1.0}, "AU": {"en": 1.0}, "CA": {"en": 0.85, "fr": 0.15},
}
CHINESE_SPEAKING = frozenset({"CN", "TW", "HK", "SG", "MY"})

# Country group → platform weights for a creator's accounts.
PLATFORM_WEIGHTS = {
    "CN": {"xiaohongshu": 3, "douyin": 3, "bilibili": 2, "weibo": 2},
    "TW": {"instagram": 3, "youtube": 2, "xiaohongshu": 1, "facebook": 1},
    "HK": {"instagram": 3, "youtube": 2, "xiaohongshu": 1, "facebook": 1},
    "SG": {"instagram": 3, "tiktok": 2, "xiaohongshu": 1, "youtube": 1},
    "MY": {"instagram": 3, "tiktok": 2, "xiaohongshu": 1, "youtube": 1},
    "WEST": {"instagram": 3, "youtube": 2, "tiktok": 2, "x": 1, "pinterest": 1},
    "JP": {"instagram": 3, "youtube": 2, "x": 1, "tiktok": 1},
    "KR": {"instagram": 3, "youtube": 2, "x": 1, "tiktok": 1},
}
CATEGORY_PLATFORM_BOOST = {
    "gaming": {"bilibili": 3, "youtube": 3, "douyin": 1, "x": 1},
    "tech": {"bilibili": 2, "youtube": 2, "x": 1},
    "home": {"pinterest": 2, "xiaohongshu": 1},
    "food": {"pinterest": 1, "xiaohongshu": 1},
    "beauty": {"xiaohongshu": 2, "instagram": 1},
    "fashion": {"xiaohongshu": 2, "instagram": 1},
}

CATEGORY_WEIGHTS = {
    "beauty": 14, "fashion": 12, "travel": 12, "food": 12, "fitness": 9, "tech": 8, "gaming": 9, "parenting": 6,
    "home": 7, "outdoor": 8,
}
RELATED_CATEGORIES = {
    "beauty": ("fashion", "fitness", "travel"), "fashion": ("beauty", "travel", "home"),
    "travel": ("food", "outdoor", "fashion"), "food": ("travel", "home", "parenting"),
    "fitness": ("outdoor", "food", "beauty"), "tech": ("gaming", "home", "travel"),
    "gaming": ("tech", "fitness"), "parenting": ("home", "food", "travel"),
    "home": ("parenting", "food", "fashion"), "outdoor": ("travel", "fitness", "food"),
}
CATEGORY_ZH = {
    "beauty": "美妆", "fashion": "穿搭", "travel": "旅行", "food": "美食", "fitness": "健身", "tech": "数码",
    "gaming": "游戏", "parenting": "育儿", "home": "家居", "outdoor": "户外",
}
# Category → preferred visual styles (a creator picks from these most of the time).
CATEGORY_STYLES = {
    "beauty": ("pastel-minimal", "sunset-warm"), "fashion": ("mono-street", "pastel-minimal"),
    "travel": ("ocean-calm", "sunset-warm", "tropical-vivid"), "food": ("earthy-film", "tropical-vivid"),
    "fitness": ("neon-night", "mono-street"), "tech": ("mono-street", "neon-night"), "gaming": ("neon-night",),
    "parenting": ("pastel-minimal", "sunset-warm"), "home": ("earthy-film", "pastel-minimal"),
    "outdoor": ("earthy-film", "ocean-calm", "tropical-vivid"),
}
# Audience shares by category: female share and an age profile (bands of AudienceProfile.AGE_BANDS).
CATEGORY_FEMALE = {
    "beauty": 0.86, "fashion": 0.76, "parenting": 0.8, "home": 0.66, "food": 0.56, "travel": 0.56, "fitness": 0.5,
    "outdoor": 0.36, "tech": 0.24, "gaming": 0.2,
}
CATEGORY_AGES = {
    "beauty": (0.05, 0.38, 0.37, 0.13, 0.05, 0.02, 0.0),
    "fashion": (0.06, 0.4, 0.34, 0.13, 0.05, 0.02, 0.0),
    "gaming": (0.18, 0.45, 0.26, 0.08, 0.02, 0.01, 0.0),
    "tech": (0.06, 0.33, 0.36, 0.16, 0.06, 0.02, 0.01),
    "parenting": (0.0, 0.08, 0.5, 0.32, 0.07, 0.02, 0.01),
    "home": (0.01, 0.15, 0.4, 0.27, 0.11, 0.04, 0.02),
    "food": (0.03, 0.27, 0.35, 0.19, 0.1, 0.04, 0.02),
    "travel": (0.02, 0.28, 0.37, 0.19, 0.09, 0.04, 0.01),
    "fitness": (0.03, 0.32, 0.38, 0.17, 0.07, 0.02, 0.01),
    "outdoor": (0.02, 0.2, 0.36, 0.25, 0.11, 0.05, 0.01),
}

# Per niche: (English topics, Chinese topics, English hashtags, Chinese hashtags).
TOPICS = {
    "beauty": (
        ("morning skincare routine", "new lipstick shades", "5-minute makeup look", "sunscreen review",
         "night repair serum", "glass skin routine", "makeup for sensitive skin"),
        ("早晨护肤流程", "新入的口红试色", "五分钟快速妆容", "防晒霜测评", "夜间修护精华", "水光肌养成", "敏感肌妆容"),
        ("skincare", "makeup", "beauty", "glowingskin", "cleanbeauty", "skincareroutine"),
        ("护肤", "美妆", "好物分享", "敏感肌", "口红试色", "护肤心得"),
    ),
    "fashion": (
        ("autumn outfit ideas", "capsule wardrobe", "street style look", "thrifted finds", "weekly OOTD",
         "how I style one blazer five ways"),
        ("秋冬穿搭", "胶囊衣橱", "街头风格", "古着淘货", "一周穿搭", "一件西装的五种穿法"),
        ("ootd", "fashion", "streetstyle", "outfitinspo", "styletips"),
        ("穿搭", "每日穿搭", "时尚", "小个子穿搭", "穿搭灵感"),
    ),
    "travel": (
        ("3 days in Kyoto", "a hidden beach in Bali", "road trip along the coast", "budget guide to Chiang Mai",
         "sunrise at the summit", "night market food walk"),
        ("京都三日游", "巴厘岛小众海滩", "沿海自驾", "清迈穷游攻略", "山顶看日出", "逛夜市"),
        ("travel", "wanderlust", "travelgram", "traveltips", "weekendgetaway"),
        ("旅行", "旅游攻略", "小众景点", "周末去哪儿", "旅行日记"),
    ),
    "food": (
        ("homemade dumplings", "the best hotpot in town", "an easy pasta recipe", "street food tour",
         "matcha desserts", "Sunday brunch"),
        ("手工饺子", "本地最好吃的火锅", "简单意面做法", "街头小吃探店", "抹茶甜品", "周末早午餐"),
        ("foodie", "recipe", "homecooking", "foodstagram", "eeeeeats"),
        ("美食", "探店", "家常菜", "食谱", "吃货日常"),
    ),
    "fitness": (
        ("a 20-minute HIIT", "leg day routine", "yoga for beginners", "meal prep for the week", "5k training plan",
         "mobility flow"),
        ("二十分钟HIIT", "练腿日", "新手瑜伽", "一周备餐", "5公里训练计划", "拉伸放松"),
        ("fitness", "workout", "gym", "healthylifestyle", "fitfam"),
        ("健身", "减脂", "瑜伽", "自律", "运动打卡"),
    ),
    "tech": (
        ("phone camera test", "desk setup tour", "budget laptop review", "smart home gadgets",
         "noise-cancelling headphones compared", "mechanical keyboard build"),
        ("手机影像测试", "桌面改造", "平价笔记本测评", "智能家居好物", "降噪耳机对比", "客制化键盘"),
        ("tech", "gadgets", "setup", "review", "unboxing"),
        ("数码", "科技", "开箱", "测评", "桌面改造"),
    ),
    "gaming": (
        ("ranked grind tonight", "first impressions of the new RPG", "my keyboard and mouse setup",
         "speedrun attempt", "co-op night with friends", "patch notes breakdown"),
        ("今晚冲分", "新RPG初体验", "键鼠外设分享", "速通挑战", "和朋友开黑", "版本更新解读"),
        ("gaming", "gamer", "esports", "gamingsetup", "pcgaming"),
        ("游戏", "电竞", "开黑", "主机游戏", "游戏外设"),
    ),
    "parenting": (
        ("toddler breakfast ideas", "our bedtime routine", "a weekend family outing", "baby-led weaning",
         "DIY toys from cardboard"),
        ("宝宝辅食", "睡前仪式", "周末亲子游", "自主进食", "纸箱自制玩具"),
        ("parenting", "momlife", "family", "toddlerlife", "dadlife"),
        ("育儿", "宝妈日常", "亲子", "辅食", "带娃日常"),
    ),
    "home": (
        ("small apartment makeover", "my plant corner", "a minimal kitchen", "cozy bedroom refresh",
         "storage hacks for renters"),
        ("小户型改造", "绿植角落", "极简厨房", "温馨卧室", "租房收纳技巧"),
        ("homedecor", "interior", "cozyhome", "apartmenttherapy", "plantcorner"),
        ("家居", "装修", "收纳", "租房改造", "家居好物"),
    ),
    "outdoor": (
        ("camping by the lake", "a trail run in the hills", "my hiking gear list", "first snow climb",
         "kayak weekend", "packing light for a thru-hike"),
        ("湖边露营", "山间越野跑", "徒步装备清单", "初雪登山", "皮划艇周末", "轻量化徒步"),
        ("outdoors", "hiking", "camping", "adventure", "trailrunning"),
        ("户外", "徒步", "露营", "登山", "户外装备"),
    ),
}
FEELINGS_EN = ("loved every minute", "highly recommend", "so worth it", "can't stop thinking about it",
               "a new favourite", "honest thoughts below", "would do it again")
FEELINGS_ZH = ("太爱了", "强烈推荐", "真的绝绝子", "幸福感满满", "宝藏发现", "真实感受分享", "还会再来")
EMOJIS = ("✨", "🌿", "💛", "📸", "🙌", "☀️", "🌙", "🔥", "💫", "🍃")
SIGN_OFFS = {"ja": "ありがとう!", "ko": "감사합니다!", "ms": "Terima kasih!"}
TAGLINES_EN = ("sharing what I love", "slow living", "honest reviews only", "one day at a time",
               "less but better", "stories from the road")
TAGLINES_ZH = ("分享热爱的一切", "慢生活", "只做真实测评", "认真生活", "少即是多", "在路上的故事")

# Sponsors named in sponsored posts. The first groups are the demo brands' competitors.
SPONSORS_BEAUTY = ("Lumiskin 璐美肤", "Dewlab", "Aurora Botanics")
SPONSORS_OUTDOOR = ("Summit Forge", "Trailwise")
SPONSORS_GAMING = ("Razorback Gear", "HyperClick")
SPONSORS_OTHER = ("Yumi Tea 遇米茶", "Nimbus Phone", "CityBike", "Koala Baby", "Maison Lune", "FitFuel",
                  "Nomad Luggage", "HomeNest 家巢")
CATEGORY_SPONSORS = {
    "beauty": SPONSORS_BEAUTY + ("Maison Lune",), "fashion": ("Maison Lune", "Aurora Botanics", "Nomad Luggage"),
    "travel": ("Nomad Luggage", "Trailwise", "Yumi Tea 遇米茶"), "food": ("Yumi Tea 遇米茶", "HomeNest 家巢"),
    "fitness": ("FitFuel", "Summit Forge", "CityBike"), "tech": ("Nimbus Phone", "HyperClick"),
    "gaming": SPONSORS_GAMING + ("Nimbus Phone",), "parenting": ("Koala Baby", "HomeNest 家巢"),
    "home": ("HomeNest 家巢", "Maison Lune"), "outdoor": SPONSORS_OUTDOOR + ("CityBike",),
}

# Captions that brand safety and watch rules should find.
UNSAFE_CAPTIONS_EN = (
    ("Late night at the casino, lucky streak 🎰", ("casino", "gambling")),
    ("Trying a new vape flavour, smooth clouds 💨", ("vaping", "vape")),
    ("Whisky tasting night with friends 🥃 cheers!", ("alcohol", "whisky")),
    ("Online betting tips that actually work, link in bio", ("betting", "gambling")),
)
UNSAFE_CAPTIONS_ZH = (
    ("今晚手气不错，赌博也要适可而止🎰", ("赌博",)),
    ("新口味电子烟测评，烟雾很顺💨", ("电子烟",)),
    ("和朋友一起喝酒到天亮🍺", ("喝酒", "酒")),
    ("分享一个博彩网站的玩法", ("博彩",)),
)

COMMENTS_EN = ("This is so pretty!", "Where did you get this?", "Need to try this", "Love the colours here",
               "Saving this for later", "How long did it take?", "Obsessed 😍", "What camera do you use?",
               "You always find the best spots", "Adding this to my list", "Wait, this is genius",
               "Thanks for the honest review")
COMMENTS_ZH = ("好好看！", "求链接", "已收藏，周末试试", "这个颜色绝了", "请问是什么牌子？", "博主好会拍", "学到了",
               "太治愈了", "蹲一个后续", "姐妹冲！", "终于等到更新", "这个价格可以")
# Engagement pods: generic texts, posted by the same ring of accounts in the same order.
POD_TEXTS = ("Great post!", "🔥🔥", "好棒", "Amazing!", "Love this ❤️", "👏👏👏", "Nice!", "太棒了", "So good!", "💯")

FOLLOWER_BIOS_EN = ("coffee & books", "dog mom 🐶", "runner | engineer", "photography lover", "student",
                    "plant parent", "foodie in training", "", "travel when I can", "music is life")
FOLLOWER_BIOS_ZH = ("热爱生活", "吃货一枚", "摄影爱好者", "在读研究生", "", "喜欢猫", "健身打卡中", "旅行中",
                    "记录日常", "打工人")
