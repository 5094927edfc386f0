"""SCIM round 4: Groups writes, Bulk, sort, ETags, and totalResults (issue 15)."""

from __future__ import annotations

from sqlmodel import select
from starlette.testclient import TestClient

from admin_portal import db
from admin_portal.models import Unit, User
from admin_portal.services.api_clients import scim_search
from tests.integration.test_scim_routes import (  # noqa: F401 (fixtures)
    _assert_error,
    _h,
    _new_user,
    app_db,
    client,
    world,
)

GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
BULK = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"


def _create(client: TestClient, world: dict, name: str) -> dict:  # noqa: F811
    response = client.post("/scim/v2/Users", headers=_h(world["scim"]), json=_new_user(name))
    assert response.status_code == 201, response.text
    return response.json()


def _unit_of(user_id: str) -> int | None:
    with db.session_scope() as session:
        user = session.get(User, int(user_id))
        assert user is not None
        return user.unit_id


def test_service_provider_config_says_what_is_supported(client: TestClient, world: dict) -> None:  # noqa: F811
    spc = client.get("/scim/v2/ServiceProviderConfig", headers=_h(world["scim"])).json()
    assert spc["bulk"]["supported"] is True and spc["bulk"]["maxOperations"] == 100
    assert spc["bulk"]["maxPayloadSize"] == 4096
    assert spc["sort"]["supported"] is True and spc["etag"]["supported"] is True


def test_groups_create_rename_and_members_in_and_out(client: TestClient, world: dict) -> None:  # noqa: F811
    anna = _create(client, world, "anna.berg")
    bo = _create(client, world, "bo.lund")
    created = client.post(
        "/scim/v2/Groups",
        headers=_h(world["scim"]),
        json={"schemas": [GROUP], "displayName": "Nattpatrull", "members": [{"value": anna["id"]}]},
    )
    assert created.status_code == 201, created.text
    group = created.json()
    gid = group["id"]
    assert created.headers["location"].endswith(f"/Groups/{gid}")
    assert [m["value"] for m in group["members"]] == [anna["id"]]
    assert _unit_of(anna["id"]) == int(gid)
    # A second unit of the same name in the company is refused: 409 uniqueness. (Anna names
    # the company: the shared test world has two, so a group without members has none.)
    again = client.post(
        "/scim/v2/Groups",
        headers=_h(world["scim"]),
        json={"schemas": [GROUP], "displayName": "nattpatrull", "members": [{"value": anna["id"]}]},
    )
    _assert_error(again, 409, "uniqueness")
    # PATCH: add Bo, remove Anna (Okta's filter form), rename.
    patched = client.patch(
        f"/scim/v2/Groups/{gid}",
        headers=_h(world["scim"]),
        json={
            "schemas": [PATCH],
            "Operations": [
                {"op": "add", "path": "members", "value": [{"value": bo["id"]}]},
                {"op": "remove", "path": f'members[value eq "{anna["id"]}"]'},
                {"op": "replace", "value": {"displayName": "Nattpatrullen"}},
            ],
        },
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["displayName"] == "Nattpatrullen"
    assert [m["value"] for m in patched.json()["members"]] == [bo["id"]]
    assert _unit_of(anna["id"]) is None and _unit_of(bo["id"]) == int(gid)
    # Entra's remove: a value list.
    removed = client.patch(
        f"/scim/v2/Groups/{gid}",
        headers=_h(world["scim"]),
        json={
            "schemas": [PATCH],
            "Operations": [{"op": "remove", "path": "members", "value": [{"value": bo["id"]}]}],
        },
    )
    assert removed.status_code == 200 and "members" not in removed.json()
    # PUT sets name and members exactly.
    put = client.put(
        f"/scim/v2/Groups/{gid}",
        headers=_h(world["scim"]),
        json={"schemas": [GROUP], "displayName": "Natt", "members": [{"value": anna["id"]}]},
    )
    assert put.status_code == 200 and [m["value"] for m in put.json()["members"]] == [anna["id"]]
    with db.session_scope() as session:
        unit = session.get(Unit, int(gid))
        assert unit is not None and unit.name == "Natt"
    assert client.delete(f"/scim/v2/Groups/{gid}", headers=_h(world["scim"])).status_code == 405


def test_group_members_respect_scope(client: TestClient, world: dict) -> None:  # noqa: F811
    gid = world["unit_id"]

    def add(member: object) -> object:
        return client.patch(
            f"/scim/v2/Groups/{gid}",
            headers=_h(world["scim"]),
            json={
                "schemas": [PATCH],
                "Operations": [{"op": "add", "path": "members", "value": [{"value": member}]}],
            },
        )

    # Another organisation's user: not found, so a field error; nothing placed.
    _assert_error(add(str(world["stranger_id"])), 400, "invalidValue")
    # An administrator is out of a client's reach.
    _assert_error(add(str(world["head_id"])), 403)
    assert _unit_of(str(world["head_id"])) is None
    # Another organisation's group is 404.
    outsider = client.patch(
        f"/scim/v2/Groups/{gid}",
        headers=_h(world["other_scim"]),
        json={"schemas": [PATCH], "Operations": [{"op": "replace", "value": {"displayName": "X"}}]},
    )
    _assert_error(outsider, 404)


def test_etags_and_if_match(client: TestClient, world: dict) -> None:  # noqa: F811
    anna = _create(client, world, "anna.berg")
    path = f"/scim/v2/Users/{anna['id']}"
    got = client.get(path, headers=_h(world["scim"]))
    version = got.json()["meta"]["version"]
    assert got.headers["etag"] == version and version.startswith('W/"')
    unchanged = client.get(path, headers={**_h(world["scim"]), "if-none-match": version})
    assert unchanged.status_code == 304
    body = {"schemas": [PATCH], "Operations": [{"op": "replace", "path": "active", "value": False}]}
    stale = client.patch(path, headers={**_h(world["scim"]), "if-match": 'W/"nope"'}, json=body)
    _assert_error(stale, 412)
    with db.session_scope() as session:
        assert session.get(User, int(anna["id"])) is not None
    fresh = client.patch(path, headers={**_h(world["scim"]), "if-match": version}, json=body)
    assert fresh.status_code == 200 and fresh.json()["active"] is False
    assert fresh.json()["meta"]["version"] != version
    # The old version no longer deletes; the new one does.
    _assert_error(client.delete(path, headers={**_h(world["scim"]), "if-match": version}), 412)
    new = fresh.headers["etag"]
    assert client.delete(path, headers={**_h(world["scim"]), "if-match": new}).status_code == 204
    # Groups carry versions too.
    group = client.get(f"/scim/v2/Groups/{world['unit_id']}", headers=_h(world["scim"]))
    assert group.headers["etag"] == group.json()["meta"]["version"]
    refused = client.put(
        f"/scim/v2/Groups/{world['unit_id']}",
        headers={**_h(world["scim"]), "if-match": 'W/"old"'},
        json={"schemas": [GROUP], "displayName": "X"},
    )
    _assert_error(refused, 412)


def test_sort_by_username_and_name(client: TestClient, world: dict) -> None:  # noqa: F811
    for name, given, family in (
        ("c.user", "Cecilia", "Andersson"),
        ("a.user", "Adam", "Ödman"),
        ("b.user", "Bo", "Berg"),
    ):
        _create(client, world, name)
        # Names as given (the helper sends Barbara Jensen).
        with db.session_scope() as session:
            user = session.exec(select(User).where(User.username == name)).one()
            user.first_name, user.last_name = given, family
            session.add(user)

    def order(**params: str) -> list[str]:
        r = client.get(
            "/scim/v2/Users",
            headers=_h(world["scim"]),
            params={"filter": 'userName ew ".user"', **params},
        )
        assert r.status_code == 200, r.text
        return [u["userName"] for u in r.json()["Resources"]]

    assert order(sortBy="userName") == ["a.user", "b.user", "c.user"]
    assert order(sortBy="userName", sortOrder="descending") == ["c.user", "b.user", "a.user"]
    assert order(sortBy="name.familyName") == ["c.user", "b.user", "a.user"]
    assert order(sortBy="userName", startIndex="2", count="1") == ["b.user"]
    bad = client.get("/scim/v2/Users", headers=_h(world["scim"]), params={"sortBy": "title"})
    _assert_error(bad, 400, "invalidValue")
    bad = client.get("/scim/v2/Users", headers=_h(world["scim"]), params={"sortOrder": "sideways"})
    _assert_error(bad, 400, "invalidValue")


def test_total_results_is_exact_or_a_lower_bound_that_keeps_paging(
    client: TestClient,  # noqa: F811
    world: dict,  # noqa: F811
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    for n in range(7):
        _create(client, world, f"p{n}.user")
    monkeypatch.setattr(scim_search, "TOTAL_AHEAD", 2)
    seen: list[str] = []
    start = 1
    totals = []
    while True:
        page = client.get(
            "/scim/v2/Users",
            headers=_h(world["scim"]),
            params={"filter": 'userName ew ".user"', "startIndex": str(start), "count": "2"},
        ).json()
        totals.append(page["totalResults"])
        seen += [u["userName"] for u in page["Resources"]]
        start += page["itemsPerPage"]
        if start > page["totalResults"] or not page["Resources"]:
            break
    assert sorted(seen) == [f"p{n}.user" for n in range(7)]
    assert totals[0] == 4 and totals[-1] == 7  # a lower bound first, exact at the end
    beyond = client.get(
        "/scim/v2/Users",
        headers=_h(world["scim"]),
        params={"filter": 'userName ew ".user"', "startIndex": "20"},
    ).json()
    assert beyond["totalResults"] == 7 and beyond["Resources"] == []


def test_bulk_with_bulk_ids_and_fail_on_errors(client: TestClient, world: dict) -> None:  # noqa: F811
    body = {
        "schemas": [BULK],
        "failOnErrors": 2,
        "Operations": [
            {"method": "POST", "path": "/Users", "bulkId": "u1", "data": _new_user("bulk.one")},
            {
                "method": "POST",
                "path": "/Groups",
                "bulkId": "g1",
                "data": {
                    "schemas": [GROUP],
                    "displayName": "Bulkenheten",
                    "members": [{"value": "bulkId:u1"}],
                },
            },
            {
                "method": "PATCH",
                "path": "/Users/bulkId:u1",
                "data": {
                    "schemas": [PATCH],
                    "Operations": [{"op": "replace", "path": "active", "value": False}],
                },
            },
            # Fails (taken username): rolled back alone.
            {"method": "POST", "path": "/Users", "bulkId": "u2", "data": _new_user("bulk.one")},
            {"method": "DELETE", "path": "/Users/999999"},  # fails: the second failure
            {"method": "POST", "path": "/Users", "bulkId": "u3", "data": _new_user("bulk.three")},
        ],
    }
    response = client.post("/scim/v2/Bulk", headers=_h(world["scim"]), json=body)
    assert response.status_code == 200, response.text
    ops = response.json()["Operations"]
    assert [o["status"] for o in ops] == ["201", "201", "200", "409", "404"]
    assert ops[3]["response"]["scimType"] == "uniqueness"
    user_id = ops[0]["location"].rsplit("/", 1)[-1]
    group_id = ops[1]["location"].rsplit("/", 1)[-1]
    assert _unit_of(user_id) == int(group_id)
    assert ops[0]["version"].startswith('W/"')
    one = client.get(f"/scim/v2/Users/{user_id}", headers=_h(world["scim"])).json()
    assert one["active"] is False
    with db.session_scope() as session:
        # failOnErrors=2 stopped before bulk.three.
        assert session.exec(select(User).where(User.username == "bulk.three")).first() is None


def test_bulk_refuses_what_it_cannot_run(client: TestClient, world: dict) -> None:  # noqa: F811
    too_many = {
        "schemas": [BULK],
        "Operations": [{"method": "DELETE", "path": f"/Users/{n}"} for n in range(101)],
    }
    # (The body cap of the test app is 4 KB: 101 operations exceed it first.)
    assert client.post("/scim/v2/Bulk", headers=_h(world["scim"]), json=too_many).status_code == 413
    body = {
        "schemas": [BULK],
        "Operations": [
            {"method": "POST", "path": "/Users", "data": _new_user("no.bulkid")},
            {"method": "PATCH", "path": "/Users/bulkId:nothing", "data": {}},
            {"method": "GET", "path": "/Users"},
        ],
    }
    ops = client.post("/scim/v2/Bulk", headers=_h(world["scim"]), json=body).json()["Operations"]
    assert [o["status"] for o in ops] == ["400", "409", "400"]
    # Without the scim scope: 403 before anything runs.
    _assert_error(client.post("/scim/v2/Bulk", headers=_h(world["read"]), json=body), 403)


def test_the_fts_driven_filters_match_the_plain_ones(world: dict, monkeypatch) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """SQLite with the search's FTS5 table: co filters stream from it in id order; the
    answers (pages and totals) are those of the plain row-by-row test."""
    from scim2_models import EnterpriseUser, ScimFilter
    from scim2_models import User as ScimUser

    from admin_portal.auth.permissions import load_actor
    from admin_portal.models import Company
    from admin_portal.search import ddl
    from admin_portal.search.structures import ensure_search_structures
    from tests.support.factories import make_user

    with db.session_scope() as session:
        actor = load_actor(session, world["head_id"])
        assert actor is not None
        unit = session.get(Unit, world["unit_id"])
        assert unit is not None
        company = session.get(Company, unit.company_id)
        assert company is not None
        for n in range(30):
            make_user(
                session,
                company,
                username=f"{'erik' if n % 3 else 'anna'}.{n}",
                email=f"p{n}@{'erikson' if n % 2 else 'example'}.se",
                first_name="Erik" if n % 3 else "Anna",
                last_name="Eriksson" if n % 5 else "Berg",
            )
    queries = [
        'userName co "erik"',
        'emails co "erikson"',
        'name.familyName co "rikss"',
        'userName co "erik" and emails co "erikson"',
        'userName co "rik" or userName eq "anna.3"',
        'userName sw "anna"',
    ]

    def run(start: int, count: int) -> dict[str, tuple[int, list[int]]]:
        found = {}
        with db.session_scope() as session:
            for q in queries:
                node = ScimFilter[ScimUser[EnterpriseUser]](q).ast  # type: ignore[misc]
                page = scim_search.find_users(
                    session, actor=actor, node=node, start_index=start, count=count
                )
                found[q] = (page.total, [u.id for u in page.users])
        return found

    monkeypatch.setattr(scim_search, "TOTAL_AHEAD", 4)
    plain = {(s, c): run(s, c) for s, c in ((1, 3), (4, 5), (1, 100))}
    ensure_search_structures(db.get_engine())
    with db.session_scope() as session:
        assert ddl.sqlite_fts_available(session.connection())
    driven = {(s, c): run(s, c) for s, c in ((1, 3), (4, 5), (1, 100))}
    assert driven == plain
    assert plain[(1, 100)]['userName co "erik"'][0] == 20
