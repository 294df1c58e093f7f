"""The fraud endpoint of `tempo serve`, as a FastAPI + uvicorn service doing
the same scoring: the same online features (exported by the warmed-up
server), the same logistic-regression weights, the same request features and
the same block/approve rule. A reference for the live-mode benchmark.

    tempo serve Scenarios/fraud.yaml --export-reference /tmp/fraud-reference.json --port 8080
    TEMPO_REFERENCE=/tmp/fraud-reference.json \
        uvicorn fastapi_reference:app --app-dir Benchmarks --host 127.0.0.1 --port 8001 \
        --workers 2 --no-access-log --loop uvloop --http httptools
    tempo load http://127.0.0.1:8001/predict/fraud --rate 5000/s --duration 20s --connections 64
"""
import json
import math
import os
import time

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

with open(os.environ.get("TEMPO_REFERENCE", "/tmp/fraud-reference.json")) as f:
    REF = json.load(f)

WEIGHTS = REF["weights"]
INTERCEPT = REF["intercept"]
FRICTION = REF["friction"]
NOW_US = REF["now_us"]
ENTITIES = [[0.0 if v is None else v for v in row] for row in REF["entity_features"]]
REQUEST_FEATURES = REF["request_features"] if REF["uses_request_features"] else []


def request_values(entity_row, raw_row, amount, item):
    out = []
    for name in REQUEST_FEATURES:
        if name == "log_amount":
            out.append(math.log1p(amount))
        elif name.startswith("amount_over:"):
            d = raw_row[int(name.split(":")[1])]
            out.append(amount / d if d is not None and d > 0 else 1.0)
        elif name.startswith("item_at_least:"):
            out.append(1.0 if item >= int(name.split(":")[1]) else 0.0)
        elif name == "hour_of_day":
            out.append((NOW_US % 86_400_000_000) / 86_400_000_000)
    return out


class Decision(BaseModel):
    entity: int
    item: int
    amount: float
    id: int = 0


app = FastAPI()


@app.post("/predict/fraud")
async def predict(d: Decision):
    start = time.perf_counter_ns()
    if d.entity < 0 or d.entity >= len(ENTITIES):
        return {"id": d.id, "action": "default", "score": None, "model_version": REF["model_version"],
                "features_as_of_us": REF["features_as_of_us"], "latency_us": 0, "fallback": True}
    row = ENTITIES[d.entity]
    x = row + request_values(row, REF["entity_features"][d.entity], d.amount, d.item)
    z = INTERCEPT + sum(w * v for w, v in zip(WEIGHTS, x))
    p = 1.0 / (1.0 + math.exp(-z))
    action = "block" if p * d.amount > (1 - p) * FRICTION else "approve"
    return {"id": d.id, "action": action, "score": p, "model_version": REF["model_version"],
            "features_as_of_us": REF["features_as_of_us"],
            "latency_us": (time.perf_counter_ns() - start) // 1000, "fallback": False}


@app.get("/healthz")
async def healthz():
    return {"status": "ok"}
