"""schedule.yaml -> the course model, one module per part of the course it builds.

``checker.config._CourseBuilder`` is made of these parts: ``deliverables`` (each deliverable,
its due rule, late policy, limits, layout and path template), ``sessions`` (the dated sessions
and the roles of the groups in them), ``extensions`` and ``grading``. Each part is a mixin of
``base.Builder``, which holds the validated YAML document and collects every problem with its
file, YAML path and line. None of them imports ``checker.config``.
"""
