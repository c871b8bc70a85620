def test_health(api):
    r = api.get("/api/health")
    assert r.status_code == 200 and r.json["ok"] is True
