"""Small labelled complaints for the routing tests: each category has its own words, mixed with
words every category shares, so a model must learn which words tell."""

import random

WORDS = {
    "噪音": ["隔壁太吵", "装修噪音", "半夜有人唱歌", "楼上跺脚", "空调外机轰鸣", "走廊喧哗", "KTV声音很大"],
    "服务态度": ["前台态度差", "服务员不耐烦", "经理推诿", "员工翻白眼", "说话很冲", "爱答不理", "保安凶"],
    "收费结账": ["多收房费", "押金没退", "发票开错", "账单重复扣款", "迷你吧乱收费", "退款不到账", "价格不符"],
}
SHARED = ["入住第二天", "我们一家", "昨晚", "非常失望", "希望尽快处理", "这次出差", "朋友推荐来的"]


def rows(per_class: int = 20, seed: int = 1) -> list[tuple[str, str, str]]:
    """(subject, description, category label) rows."""
    rng = random.Random(seed)
    out = []
    for label, words in WORDS.items():
        for i in range(per_class):
            picked = rng.sample(words, 2)
            out.append((picked[0], f"{rng.choice(SHARED)}，{picked[0]}，{picked[1]}。{rng.choice(SHARED)}", label))
    rng.shuffle(out)
    return out
