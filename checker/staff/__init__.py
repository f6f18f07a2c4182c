"""Staff views of a whole course: gradebook, board, reminders (issue 5).

Pure core (``records``, ``core``, ``gradebook``, ``board``, ``remind``): plain values in, plain
values out. Thin edges: ``ghread`` reads pull requests and the bot's comments through
``checker.github``; ``ghissues`` keeps the reminder issues; the commands write files.
"""
