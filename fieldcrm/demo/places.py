"""Where the demo company sells: regions and the cities its territories centre on.

Coordinates are the real city centres, so accounts scattered around them land
on a map where a person expects them. Phone area codes and postal prefixes
make addresses and numbers look local.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Centre:
    code: str  # three letters, used in the territory code
    city: str
    state: str
    lat: float
    lon: float
    area_code: str
    postal_prefix: str


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    locale: str  # Faker locale of the people and companies there
    country: str
    currency: str
    utc_offset: int  # hours; standard time, enough for working-day schedules
    tax_rate: str
    centres: tuple[Centre, ...]


C = Centre
REGIONS: tuple[Region, ...] = (
    Region("US-W", "US West", "en_US", "United States", "USD", -8, "0.08", (
        C("SEA", "Seattle", "WA", 47.6062, -122.3321, "206", "981"),
        C("SFO", "San Francisco", "CA", 37.7749, -122.4194, "415", "941"),
        C("LAX", "Los Angeles", "CA", 34.0522, -118.2437, "213", "900"),
        C("DEN", "Denver", "CO", 39.7392, -104.9903, "303", "802"),
        C("PHX", "Phoenix", "AZ", 33.4484, -112.0740, "602", "850"),
        C("PDX", "Portland", "OR", 45.5152, -122.6784, "503", "972"),
        C("SAN", "San Diego", "CA", 32.7157, -117.1611, "619", "921"),
        C("SLC", "Salt Lake City", "UT", 40.7608, -111.8910, "801", "841"),
        C("LAS", "Las Vegas", "NV", 36.1699, -115.1398, "702", "891"),
        C("SAC", "Sacramento", "CA", 38.5816, -121.4944, "916", "958"),
    )),
    Region("US-E", "US East", "en_US", "United States", "USD", -5, "0.07", (
        C("NYC", "New York", "NY", 40.7128, -74.0060, "212", "100"),
        C("CHI", "Chicago", "IL", 41.8781, -87.6298, "312", "606"),
        C("BOS", "Boston", "MA", 42.3601, -71.0589, "617", "021"),
        C("ATL", "Atlanta", "GA", 33.7490, -84.3880, "404", "303"),
        C("PHL", "Philadelphia", "PA", 39.9526, -75.1652, "215", "191"),
        C("MIA", "Miami", "FL", 25.7617, -80.1918, "305", "331"),
        C("WAS", "Washington", "DC", 38.9072, -77.0369, "202", "200"),
        C("CLT", "Charlotte", "NC", 35.2271, -80.8431, "704", "282"),
        C("PIT", "Pittsburgh", "PA", 40.4406, -79.9959, "412", "152"),
        C("DTW", "Detroit", "MI", 42.3314, -83.0458, "313", "482"),
    )),
    Region("CN-N", "华北区", "zh_CN", "中国", "CNY", 8, "0.13", (
        C("BJS", "北京", "北京市", 39.9042, 116.4074, "010", "100"),
        C("TSN", "天津", "天津市", 39.3434, 117.3616, "022", "300"),
        C("SHE", "沈阳", "辽宁省", 41.8057, 123.4315, "024", "110"),
        C("TAO", "青岛", "山东省", 36.0671, 120.3826, "0532", "266"),
        C("TNA", "济南", "山东省", 36.6512, 117.1201, "0531", "250"),
        C("DLC", "大连", "辽宁省", 38.9140, 121.6147, "0411", "116"),
        C("XIY", "西安", "陕西省", 34.3416, 108.9398, "029", "710"),
        C("HRB", "哈尔滨", "黑龙江省", 45.8038, 126.5350, "0451", "150"),
        C("TYN", "太原", "山西省", 37.8706, 112.5489, "0351", "030"),
        C("SJW", "石家庄", "河北省", 38.0428, 114.5149, "0311", "050"),
    )),
    Region("CN-S", "华南区", "zh_CN", "中国", "CNY", 8, "0.13", (
        C("SHA", "上海", "上海市", 31.2304, 121.4737, "021", "200"),
        C("CAN", "广州", "广东省", 23.1291, 113.2644, "020", "510"),
        C("SZX", "深圳", "广东省", 22.5431, 114.0579, "0755", "518"),
        C("HGH", "杭州", "浙江省", 30.2741, 120.1551, "0571", "310"),
        C("NKG", "南京", "江苏省", 32.0603, 118.7969, "025", "210"),
        C("CTU", "成都", "四川省", 30.5728, 104.0668, "028", "610"),
        C("WUH", "武汉", "湖北省", 30.5928, 114.3055, "027", "430"),
        C("XMN", "厦门", "福建省", 24.4798, 118.0894, "0592", "361"),
        C("FOC", "福州", "福建省", 26.0745, 119.2965, "0591", "350"),
        C("CSX", "长沙", "湖南省", 28.2282, 112.9388, "0731", "410"),
    )),
)
del C

# Exchange rate used to price the catalogue in a region's currency.
USD_RATE = {"USD": "1", "CNY": "7.2"}
