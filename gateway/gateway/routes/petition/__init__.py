"""Petition's routes (信访代办): deputies, stations and their public codes (码上找代表) here;
matters, tracking, time limits and figures in `matters`; 12345 work orders in `work_orders`.
Declared once, found by gateway.table.mount.

Id-addressed routes go to the caller's own level (every petition level shares one database; the
service checks the record's area); a public code or a tracking code names its level by its
first letter.
"""

from contracts import petition as c
from contracts.petition import PETITION
from contracts.petition import PetitionRpc as Rpc
from contracts.reference import ROLES

from ...table import Area, CallerArea, Letter
from ...table.route import routes_of
from . import matters, open311, posts, roles, work_orders

route = routes_of(PETITION, "petition")
CALLER = CallerArea()
DEPUTY = "/api/v1/deputies/<string:deputy_id>"
STATION = "/api/v1/stations/<string:station_id>"
IMAGE = "qr.<any(svg, png):image>"
QR = ("image/svg+xml", "image/png")
POSTER = ("image/svg+xml",)

CODES = (
    route(
        "get",
        "/api/v1/petition/status",
        Rpc.get_status,
        "信访代办服务状态 (petition status)",
        name="get_petition_status",  # entrypoint names are unique across services
        roles=frozenset(ROLES),
        where=CALLER,
        response=c.PetitionStatus,
    ),
    route(
        "post",
        "/api/v1/deputies/import",
        Rpc.import_deputies,
        "导入代表信息（CSV，全部成功或全部不导入，逐行报错）(import deputy profiles from CSV)",
        roles=roles.KEEP,
        where=Area.body(),
        body=c.DeputyImport,
        response=c.DeputyImportResult,
        status=201,
        idempotent=True,
        refuses=(409, 422),
    ),
    route(
        "get",
        "/api/v1/deputies",
        Rpc.list_deputies,
        "本地区（含下级）代表 (the area's deputies, its sub-areas included)",
        roles=roles.READ,
        where=Area.query(),
        query=c.DeputiesQuery,
        response=c.DeputyPage,
    ),
    route(
        "get",
        DEPUTY,
        Rpc.get_deputy,
        "代表信息 (a deputy's profile)",
        roles=roles.READ,
        where=CALLER,
        response=c.DeputyProfile,
    ),
    route(
        "get",
        f"{DEPUTY}/{IMAGE}",
        Rpc.get_deputy_qr,
        "代表二维码（SVG 或 PNG，指向群众页面）(the deputy's QR code)",
        roles=roles.READ,
        where=CALLER,
        files=QR,
    ),
    route(
        "get",
        f"{DEPUTY}/poster.svg",
        Rpc.get_deputy_poster,
        "代表二维码海报（A4，可打印）(the deputy's printable poster)",
        roles=roles.READ,
        where=CALLER,
        files=POSTER,
    ),
    route(
        "post",
        f"{DEPUTY}/code/replace",
        Rpc.replace_deputy_code,
        "停用并更换代表码（旧码提示“此码已停用”并显示新联系人）(revoke and replace the code)",
        roles=roles.KEEP,
        where=CALLER,
        body=c.CodeReplace,
        response=c.CodeReplaced,
        refuses=(409,),
    ),
    route(
        "post",
        "/api/v1/stations",
        Rpc.create_station,
        "登记代表联络站或代表之家（地址、坐标、值班安排）(register a liaison station)",
        roles=roles.KEEP,
        where=Area.body(),
        body=c.StationIn,
        response=c.Station,
        status=201,
        idempotent=True,
        refuses=(409,),
    ),
    route(
        "get",
        "/api/v1/stations",
        Rpc.list_stations,
        "本地区（含下级）联络站 (the area's stations)",
        roles=roles.READ,
        where=Area.query(),
        query=c.StationsQuery,
        response=c.StationPage,
    ),
    route(
        "get",
        STATION,
        Rpc.get_station,
        "联络站信息与值班安排 (a station and its duty schedule)",
        roles=roles.READ,
        where=CALLER,
        response=c.Station,
    ),
    route(
        "put",
        STATION,
        Rpc.put_station,
        "修改联络站（含值班安排）(change a station, its schedule included)",
        roles=roles.KEEP,
        where=CALLER,
        body=c.StationIn,
        response=c.Station,
        refuses=(409,),
    ),
    route(
        "get",
        f"{STATION}/{IMAGE}",
        Rpc.get_station_qr,
        "联络站二维码 (the station's QR code)",
        roles=roles.READ,
        where=CALLER,
        files=QR,
    ),
    route(
        "get",
        f"{STATION}/poster.svg",
        Rpc.get_station_poster,
        "联络站二维码海报 (the station's printable poster)",
        roles=roles.READ,
        where=CALLER,
        files=POSTER,
    ),
    route(
        "post",
        f"{STATION}/code/replace",
        Rpc.replace_station_code,
        "停用并更换联络站码 (revoke and replace the station's code)",
        roles=roles.KEEP,
        where=CALLER,
        body=c.CodeReplace,
        response=c.CodeReplaced,
        refuses=(409,),
    ),
    route(
        "get",
        "/api/v1/public/deputies/<string:public_code>",
        Rpc.get_public_code,
        "扫码页面：代表或联络站的公开信息（停用的码提示新联系人）(what a scanned code opens)",
        where=Letter("path", "public_code", c.public_code_level, "代表码不存在 (unknown code)"),
        response=c.PublicCodePage,
        public_limit=True,
    ),
)

ROUTES = CODES + matters.ROUTES + posts.ROUTES + open311.ROUTES + work_orders.ROUTES
