"""Collection's routes (群众提): notices and proposals, screening and the project library,
draft lists and their rounds (三上三下), reports."""

from . import intake, lists, reports, screening

ROUTES = (*intake.ROUTES, *screening.ROUTES, *lists.ROUTES, *reports.ROUTES)
