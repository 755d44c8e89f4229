"""A real LTI 1.3 platform for the tests, built on PyPI ``lti1p3platform`` and served over HTTP.

The library does the platform's side of the protocol: the OIDC third-party login URL, the signed
id_token (resource link, context, roles, AGS, NRPS and Deep Linking claims), the access tokens
(client-credentials grant with the tool's JWT, verified against the tool's JWKS URL), the AGS and
NRPS service handlers (bearer token checked) and the verification of the tool's deep-linking JWT.
This module only stores what a platform stores (line items, scores, members, placed links) and
turns HTTP requests into the library's calls, on a local port, in a thread of the test process.
"""

from __future__ import annotations

import html
import itertools
import json
import threading
import typing as t
from dataclasses import dataclass, field
from socketserver import ThreadingMixIn
from urllib.parse import parse_qsl, urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from jwcrypto.jwk import JWK
from lti1p3platform.exceptions import LineItemNotFoundException
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.membership import Context
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request
from lti1p3platform.service_connector import AssignmentsGradesService, NamesRoleProvisioningService

CLIENT_ID = "geste-client-1"
DEPLOYMENT_ID = "deployment-1"
COURSE_ID = "course-42"
COURSE_TITLE = "CAP Plomberie — session de printemps"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"


@dataclass
class Person:
    sub: str
    name: str
    given_name: str
    family_name: str
    email: str
    roles: list[str]
    status: str = "Active"


@dataclass
class PlatformState:
    """What the platform keeps: its key pair, the course, placed links, line items, scores, members."""

    private_pem: str
    public_pem: str
    tool_login_url: str = ""
    tool_launch_url: str = ""
    tool_jwks_url: str = ""
    people: dict[str, Person] = field(default_factory=dict)
    links: dict[str, dict] = field(default_factory=dict)  # resource link id -> content item (+ lineitem id)
    lineitems: dict[str, dict] = field(default_factory=dict)
    scores: list[dict] = field(default_factory=list)
    deep_link_items: list[dict] = field(default_factory=list)
    token_requests: int = 0
    down: bool = False  # answer 503 to every service call (the LMS is down)
    lock: threading.Lock = field(default_factory=threading.Lock)
    ids: t.Iterator[int] = field(default_factory=lambda: itertools.count(1))


class PlatformConf(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, **kwargs):
        self.state: PlatformState = kwargs["state"]
        self.base_url: str = kwargs["base_url"]

    def get_registration_by_params(self, **kwargs) -> Registration:
        s = self.state
        return (Registration().set_iss(self.base_url).set_client_id(CLIENT_ID).set_deployment_id(DEPLOYMENT_ID)
                .set_oidc_login_url(s.tool_login_url).set_launch_url(s.tool_launch_url)
                .set_deeplink_launch_url(s.tool_launch_url).set_tool_key_set_url(s.tool_jwks_url)
                .set_platform_public_key(s.public_pem).set_platform_private_key(s.private_pem))


class WsgiRequest(Request):
    def build_metadata(self, environ) -> dict:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        content_type = environ.get("CONTENT_TYPE", "")
        form = dict(parse_qsl(body.decode())) if "form-urlencoded" in content_type else {}
        data = json.loads(body) if body and "json" in content_type else None
        headers = {k[5:].replace("_", "-").title(): v for k, v in environ.items() if k.startswith("HTTP_")}
        return {"method": environ["REQUEST_METHOD"], "form_data": form, "json": data,
                "get_data": dict(parse_qsl(environ.get("QUERY_STRING", ""))), "headers": headers,
                "content_type": content_type, "path": environ["PATH_INFO"]}


class Login(OIDCLoginAbstract):
    def set_lti_message_hint(self, **kwargs):
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url: str):
        return url


class Launch(LTIAdvantageMessageLaunchAbstract):
    """The id_token for one launch: ``login_hint`` is who launches, ``lti_message_hint`` what (``dl`` for
    Deep Linking, ``rl:<resource link id>`` for a placed link)."""

    def __init__(self, request, conf: PlatformConf):
        super().__init__(request, conf)
        self.conf = conf

    def prepare_launch(self, preflight_response):
        state, base = self.conf.state, self.conf.base_url
        kind, _, link_id = preflight_response["lti_message_hint"].partition(":")
        person = state.people[preflight_response["login_hint"]]
        self.set_user_data(person.sub, person.roles, person.name, person.email)
        self.lti_claim_user_data.update(given_name=person.given_name, family_name=person.family_name)
        self.set_launch_context_claim(COURSE_ID, ["http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"],
                                      COURSE_TITLE, "CAP-PLB")
        self.set_nrps(f"{base}/nrps/{COURSE_ID}/memberships")
        self.set_extra_claims({"https://purl.imsglobal.org/spec/lti/claim/tool_platform": {
            "guid": "platform-guid", "name": "Plateforme de test", "product_family_code": "lti1p3platform"}})
        if kind == "dl":
            self.set_dl(f"{base}/deep_link_return", title="Ajouter un contenu", accept_types={"ltiResourceLink"})
            return
        link = state.links[link_id]
        self.set_launch_url(link["url"])
        self.set_resource_link_claim(link_id, title=link.get("title"))
        lineitem = link.get("lineitem_id")
        self.set_ags(f"{base}/ags/{COURSE_ID}/lineitems",
                     f"{base}/ags/{COURSE_ID}/lineitems/{lineitem}" if lineitem else None,
                     allow_creating_lineitems=True)
        if link.get("custom"):
            self.set_custom_parameters_claim(link["custom"])

    def render_launch_form(self, launch_data, **kwargs) -> str:
        e = html.escape
        return (f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Lancement</title></head><body>'
                f'<form id="launch" method="post" action="{e(launch_data["launch_url"])}">'
                f'<input type="hidden" name="id_token" value="{e(launch_data["id_token"])}">'
                f'<input type="hidden" name="state" value="{e(launch_data["state"])}"></form>'
                f'<script>document.getElementById("launch").submit();</script></body></html>')


class Grades(AssignmentsGradesService):
    def __init__(self, request, conf: PlatformConf, lineitem_id: str | None = None):
        base = f"{conf.base_url}/ags/{COURSE_ID}/lineitems"
        super().__init__(request, conf, base, f"{base}/{lineitem_id}" if lineitem_id else None)
        self.state = conf.state
        self.base = base

    def _public(self, item: dict) -> dict:
        return {**{k: v for k, v in item.items() if k != "key"}, "id": f"{self.base}/{item['key']}"}

    def _item(self, line_item_id: str) -> dict:
        item = self.state.lineitems.get(str(line_item_id).rsplit("/", 1)[-1])
        if item is None:
            raise LineItemNotFoundException()
        return item

    def find_lineitems(self, page=1, limit=None, line_item_id=None, resource_link_id=None, resource_id=None,
                       tag=None, **kwargs):
        items = [self._public(i) for i in self.state.lineitems.values()
                 if (tag is None or i.get("tag") == tag) and (resource_id is None or i.get("resourceId") == resource_id)
                 and (resource_link_id is None or i.get("resourceLinkId") == resource_link_id)]
        return {"content": items, "has_next": False, "next": None}

    def find_lineitem(self, line_item_id):
        return self._public(self._item(line_item_id))

    def create_lineitem(self, creation_data):
        with self.state.lock:
            key = str(next(self.state.ids))
            self.state.lineitems[key] = {**creation_data, "key": key}
        return self._public(self.state.lineitems[key])

    def update_lineitem(self, update_data):
        item = self._item(update_data["id"])
        item.update({k: v for k, v in update_data.items() if k != "id"})
        return self._public(item)

    def delete_lineitem(self, line_item_id):
        self.state.lineitems.pop(self._item(line_item_id)["key"])

    def update_score(self, line_item_id, score):
        from lti1p3platform.score import UpdateScoreStatus

        item = self._item(line_item_id)
        with self.state.lock:
            self.state.scores.append({**score, "lineitem": item["key"]})
        return UpdateScoreStatus.SUCCESS

    def get_results(self, line_item_id, page=1, limit=None, user_id=None, **kwargs):
        key = self._item(line_item_id)["key"]
        return {"content": [s for s in self.state.scores if s["lineitem"] == key], "has_next": False, "next": None}


class Roster(NamesRoleProvisioningService):
    def __init__(self, request, conf: PlatformConf):
        super().__init__(request, conf, f"{conf.base_url}/nrps/{COURSE_ID}/memberships")
        self.state = conf.state

    def get_member_data_page(self, page=1, limit=None, role=None, since=None, **kwargs):
        members = [{"user_id": p.sub, "roles": p.roles, "status": p.status, "name": p.name,
                    "given_name": p.given_name, "family_name": p.family_name, "email": p.email}
                   for p in self.state.people.values()]
        return {"content": members, "has_next": False}

    def get_context_by_id(self):
        return Context(id=COURSE_ID, label="CAP-PLB", title=COURSE_TITLE)


class Platform:
    """The platform's HTTP side. ``start_url(kind, …)`` is where the LMS sends the browser to launch."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        key = JWK.generate(kty="RSA", size=2048)
        self.state = PlatformState(private_pem=key.export_to_pem(private_key=True, password=None).decode(),
                                   public_pem=key.export_to_pem().decode())
        self.server = make_server(host, port, self.app, server_class=_ThreadingWSGIServer,
                                  handler_class=_QuietHandler)
        self.url = f"http://{host}:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # --- set-up -----------------------------------------------------------------------------
    def connect_tool(self, geste_url: str) -> None:
        self.state.tool_login_url = f"{geste_url}/lti/connexion/"
        self.state.tool_launch_url = f"{geste_url}/lti/lancement/"
        self.state.tool_jwks_url = f"{geste_url}/lti/jwks.json"

    def add_person(self, sub: str, given: str, family: str, roles: list[str], status: str = "Active") -> Person:
        person = Person(sub, f"{given} {family}", given, family, f"{sub}@univ.example", roles, status)
        self.state.people[sub] = person
        return person

    def start(self) -> Platform:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def conf(self) -> PlatformConf:
        conf = PlatformConf(state=self.state, base_url=self.url)
        conf.get_registration()
        return conf

    def start_url(self, hint: str, sub: str, new_window: bool = True) -> str:
        """The OIDC third-party login URL at the tool, as the LMS builds it."""
        conf = self.conf()
        login = Login(None, conf)
        login.set_lti_message_hint(hint=hint)
        if hint.startswith("rl:"):
            login.set_launch_url(self.state.links[hint.split(":")[1]]["url"])
        else:
            login.set_deeplinking_launch_url()
        url = login.initiate_login(sub)
        return f"{url}&lti1p3_new_window=1" if new_window else url

    # --- HTTP -------------------------------------------------------------------------------
    def app(self, environ, start_response):
        path = environ["PATH_INFO"]
        request = WsgiRequest(environ)
        conf = self.conf()
        try:
            if path == "/jwks":
                return _json(start_response, 200, conf.get_jwks())
            if path == "/auth":
                return _html(start_response, 200, Launch(request, conf).lti_launch())
            if path == "/deep_link_return":
                return _html(start_response, 200, self._deep_link_return(conf, request))
            if path.startswith("/launch/"):
                _, _, hint, sub = path.split("/", 3)
                return _redirect(start_response, self.start_url(hint, sub, new_window=False))
            if path.startswith("/course/"):
                return _html(start_response, 200, self._course_page(path.split("/", 2)[2]))
            if self.state.down:
                return _json(start_response, 503, {"error": "maintenance"})
            if path == "/token":
                self.state.token_requests += 1
                return _json(start_response, 200, conf.get_access_token(request.form_data))
            if path.startswith(f"/ags/{COURSE_ID}/lineitems"):
                return self._ags(start_response, request, conf, path)
            if path == f"/nrps/{COURSE_ID}/memberships":
                return _resp(start_response, Roster(request, conf).handle_get_members())
        except Exception as exc:  # noqa: BLE001 - the platform answers errors as an LMS would
            import traceback

            return _json(start_response, 400, {"error": f"{type(exc).__name__}: {exc}",
                                               "trace": traceback.format_exc()[-1500:]})
        return _json(start_response, 404, {"error": "not found"})

    def _ags(self, start_response, request, conf, path):
        rest = path[len(f"/ags/{COURSE_ID}/lineitems"):].strip("/").split("/")
        if rest == [""]:
            service = Grades(request, conf)
            handler = service.handle_get_lineitems if request.method == "GET" else service.handle_create_lineitem
            return _resp(start_response, handler())
        lineitem_id = rest[0]
        service = Grades(request, conf, lineitem_id)
        if rest[1:] == ["scores"]:
            return _resp(start_response, service.handle_update_score(lineitem_id))
        if rest[1:] == ["results"]:
            return _resp(start_response, service.handle_get_results(lineitem_id))
        return _resp(start_response, service.handle_get_lineitem(lineitem_id))

    def _deep_link_return(self, conf, request) -> str:
        items = conf.validate_deeplinking_resp(request.form_data)
        placed = []
        with self.state.lock:
            for item in items:
                link_id = f"link-{next(self.state.ids)}"
                entry = {"url": item["url"], "title": item.get("title", ""), "custom": item.get("custom") or {}}
                if item.get("lineItem"):
                    key = str(next(self.state.ids))
                    self.state.lineitems[key] = {**item["lineItem"], "key": key, "resourceLinkId": link_id}
                    entry["lineitem_id"] = key
                self.state.links[link_id] = entry
                self.state.deep_link_items.append(item)
                placed.append(link_id)
        rows = "".join(f'<li data-link="{html.escape(i)}">{html.escape(self.state.links[i]["title"])}</li>'
                       for i in placed)
        return ('<!DOCTYPE html><html lang="fr"><body><h1>Contenus ajoutés</h1>'
                f'<ul id="placed">{rows}</ul></body></html>')

    def _course_page(self, rest: str) -> str:
        """The course page: the tool framed, as Moodle shows an activity ``embedded``."""
        hint, _, sub = rest.partition("/")
        src = html.escape(f"{self.url}/launch/{hint}/{sub}")
        return (f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Cours</title></head><body>'
                f'<h1>{html.escape(COURSE_TITLE)}</h1>'
                f'<iframe id="tool" src="{src}" style="width:1200px;height:760px" '
                f'allow="autoplay; fullscreen"></iframe></body></html>')

    # --- what the tests read -----------------------------------------------------------------
    def scores_for(self, sub: str) -> list[dict]:
        return [s for s in self.state.scores if s.get("userId") == sub]


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def _resp(start_response, response):
    body = json.dumps(response.result if 200 <= response.code < 300 else {"error": response.message})
    if 200 <= response.code < 300 and isinstance(response.result, dict) and "content" in response.result:
        body = json.dumps(response.result["content"])
    if response.result is None and 200 <= response.code < 300:
        body = ""
    start_response(f"{response.code} X", [("Content-Type", response.media_type or "application/json")])
    return [body.encode()]


def _json(start_response, status: int, data) -> list[bytes]:
    start_response(f"{status} X", [("Content-Type", "application/json")])
    return [json.dumps(data).encode()]


def _html(start_response, status: int, body: str) -> list[bytes]:
    start_response(f"{status} X", [("Content-Type", "text/html; charset=utf-8")])
    return [body.encode()]


def _redirect(start_response, url: str) -> list[bytes]:
    start_response("302 Found", [("Location", url)])
    return [b""]


def registration_for(platform: Platform):
    """Geste's side of the registration, as an administrator types it in the admin."""
    from lti_tool.models import LtiDeployment, LtiRegistration

    registration = LtiRegistration.objects.create(
        name="Plateforme de test", issuer=platform.url, client_id=CLIENT_ID, auth_url=f"{platform.url}/auth",
        token_url=f"{platform.url}/token", keyset_url=f"{platform.url}/jwks")
    LtiDeployment.objects.create(registration=registration, deployment_id=DEPLOYMENT_ID, is_active=True)
    return registration


def urlencode_form(data: dict) -> str:
    return urlencode(data)
