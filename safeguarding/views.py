from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    # A forbidden record looks exactly like a missing one, so 403 is rendered only for
    # actions (not records), e.g. a form someone's role does not allow.
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    if request.path.startswith("/api/"):
        # the API's one error shape (safeguarding/api.py), also for addresses that match no route
        return JsonResponse({"error": {"status": 404, "code": "not_found", "message": "Not found.", "fields": {}}},
                            status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    # without the request: its context processors read the database, which may be what failed
    return HttpResponseServerError(loader.get_template("500.html").render({}))
