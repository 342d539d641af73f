"""Service jobs at some accounts, worked by the region's technicians.

Past jobs are mostly completed (with a resolution, a signature, the time
spent and the parts used); today's are under way; future ones are scheduled
inside the customer's time window or still waiting to be assigned.
"""

from __future__ import annotations

import datetime as dt

from fieldcrm.demo import odds, texts
from fieldcrm.demo.accounts import AccountContext, local_time, working_day
from fieldcrm.demo.rows import RowMaker, stamp


class ServiceSide:
    def __init__(self, make: RowMaker, equipment: list[dict], parts: list[dict], today: dt.date):
        self.make = make
        self.rng = make.rng
        self.equipment = equipment
        self.parts = parts
        self.today = today
        self.now = make.now

    def jobs(self, acc: AccountContext, out) -> None:
        for _ in range(odds.JOBS.pick(self.rng)):
            self._job(acc, out)

    def _status(self, offset: int) -> str:
        rng = self.rng
        if offset < 0:
            return odds.PAST_JOB.pick(rng)
        if offset == 0:
            return odds.TODAYS_JOB.pick(rng)
        return odds.FUTURE_JOB.pick(rng)

    def _job(self, acc: AccountContext, out) -> None:
        rng = self.rng
        offset = rng.randint(-60, 21)
        day = working_day(self.today + dt.timedelta(days=offset))
        offset = (day - self.today).days
        status = self._status(offset)
        kind = odds.JOB_KIND.pick(rng)
        product = rng.choice(self.equipment)
        morning = rng.random() < 0.55
        window_start = local_time(acc.plan, day, 8 if morning else 13)
        window_end = window_start + dt.timedelta(hours=4)
        technician = rng.choice(acc.plan.technicians) if status != "new" else None
        contact = rng.choice(acc.contacts) if acc.contacts else None
        row = dict(
            account_id=acc.id, contact_id=contact["id"] if contact else None, technician_id=technician,
            title=texts.JOB_TITLES[kind][acc.chinese].format(product=product["name"]), kind=kind,
            priority=odds.JOB_PRIORITY.pick(rng), status=status,
            window_start=stamp(window_start), window_end=stamp(window_end),
            problem=rng.choice(texts.PROBLEMS[acc.chinese]),
        )
        start = end = None
        if status != "new":
            start = window_start + dt.timedelta(minutes=rng.choice((0, 30, 60, 90)))
            end = start + dt.timedelta(minutes=rng.choice((60, 90, 120, 180)))
            row.update(scheduled_start=stamp(start), scheduled_end=stamp(end))
        if status == "completed":
            done = end + dt.timedelta(minutes=rng.randint(-20, 40))
            row.update(resolution=rng.choice(texts.RESOLUTIONS[acc.chinese]), completed_at=stamp(done),
                       updated_at=stamp(done + dt.timedelta(minutes=rng.randint(1, 120))))
            if contact:
                row["signed_by"] = acc.plan.people.full_name(contact["first_name"], contact["last_name"])
        job = self.make.make("service_job", by=technician or acc.owner, **row)
        out["service_job"].append(job)
        if rng.random() < 0.6:
            self._checklist(job, status, acc.chinese, out)
        if status == "completed" and kind in ("repair", "maintenance") and rng.random() < 0.6:
            for part in rng.sample(self.parts, rng.randint(1, 2)):
                out["job_part"].append(self.make.make(
                    "job_part", by=technician, job_id=job["id"], product_id=part["id"],
                    quantity=str(rng.randint(1, 3)),
                ))
        if status in ("completed", "in_progress") and rng.random() < 0.7:
            self._time(job, technician, start, end if status == "completed" else None, out)

    def _checklist(self, job: dict, status: str, chinese: bool, out) -> None:
        labels = texts.CHECKLIST[chinese]
        count = self.rng.randint(3, len(labels))
        for position, label in enumerate(labels[:count]):
            done = status == "completed" or (status == "in_progress" and position < count // 2)
            out["job_checklist_item"].append(self.make.make(
                "job_checklist_item", by=job["updated_by"], job_id=job["id"], position=position,
                label=label, done=done,
            ))

    def _time(self, job: dict, technician: str, start: dt.datetime, end: dt.datetime | None, out) -> None:
        if end is None:  # still at work: the clock started before now
            start = min(start, self.now - dt.timedelta(minutes=15))
        travel = start - dt.timedelta(minutes=self.rng.choice((20, 30, 45, 60)))
        out["job_time_entry"].append(self.make.make(
            "job_time_entry", by=technician, job_id=job["id"], technician_id=technician, kind="travel",
            started_at=stamp(travel), ended_at=stamp(start),
        ))
        out["job_time_entry"].append(self.make.make(
            "job_time_entry", by=technician, job_id=job["id"], technician_id=technician, kind="work",
            started_at=stamp(start), ended_at=stamp(end) if end else None,
        ))
