"""Major incidents: promote or page one in, its manager, team, communication log and
child incidents, surge proposals, resolving with the children, the post-incident report.

``desk.major.service.MajorIncidentService`` is the writer; ``desk.major.report`` builds
the PDF; ``desk.major.surge`` finds the surge proposals.
"""
