"""How a local Dask cluster is set up for a sweep (sim.sweeps.dask_start): Dask's defaults read through libyaml
give the same settings, PyYAML is left as it was, and the settings follow the dashboard switch."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sim.sweeps import dask_start

dask = pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")


@pytest.mark.parametrize("package", [dask, distributed])
def test_dask_defaults_read_through_libyaml_equal_the_pure_python_reading(package):
    path = Path(package.__file__).with_name(f"{package.__name__}.yaml")
    text = path.read_text()
    with dask_start.fast_yaml():
        fast = yaml.safe_load(text)
    assert fast == yaml.load(text, Loader=yaml.SafeLoader)
    assert fast, f"{path} parsed empty"


def test_fast_yaml_puts_safe_load_back_even_after_an_error():
    plain = yaml.safe_load
    with pytest.raises(RuntimeError), dask_start.fast_yaml():
        assert yaml.safe_load is not plain or not hasattr(yaml, "CSafeLoader")
        raise RuntimeError
    assert yaml.safe_load is plain
    with pytest.raises(yaml.constructor.ConstructorError), dask_start.fast_yaml():
        yaml.safe_load("!!python/object:os.system {}")  # still the safe subset


def test_settings_without_a_dashboard_are_quiet_and_serve_no_routes():
    quiet = dask_start.local_settings("forkserver", dashboard=False, profile=False)
    assert quiet["distributed.worker.multiprocessing-method"] == "forkserver"
    assert quiet["distributed.worker.profile.enabled"] is False
    assert quiet["distributed.scheduler.http.routes"] == [] and quiet["distributed.worker.http.routes"] == []
    assert quiet["distributed.admin.system-monitor.interval"] == "2s"
    full = dask_start.local_settings("spawn", dashboard=True, profile=True)
    assert set(full) == {"distributed.worker.multiprocessing-method", "distributed.worker.profile.enabled"}
    assert full["distributed.worker.profile.enabled"] is True
