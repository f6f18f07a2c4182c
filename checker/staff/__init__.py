"""Staff views of a whole course: gradebook, board, reminders (issue 5).

Pure core (``records``, ``core``, ``gradebook``, ``board``, ``remind``): plain values in, plain
values out; nothing here imports ``checker.github``. The API edge is there:
``checker.github.pulls`` reads pull requests and the bot's comments, ``checker.github.reminders``
keeps the reminder issues and ``checker.github.validate_issue`` the validate issue;
``checker.commands.course_state`` connects and builds the rows; the commands write files.
"""
