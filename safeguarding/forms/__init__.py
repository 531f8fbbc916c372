"""The safeguarding forms, one module per part of the work, named like the views that show
them: ``raising`` (the concern form), ``casework`` (the team's verbs on a concern),
``information_sharing`` (P2), ``advice`` (P22), ``adults`` (concerns about adults), ``training``
(P9) and ``chronology`` (its filter); ``fields`` holds the pieces they share. Rules live on the
models and in ``safeguarding.policy``; a form only shows their errors beside the fields."""
