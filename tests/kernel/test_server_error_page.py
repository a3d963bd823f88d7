"""The 500 page renders without touching the database (its failure may be why we are here)."""

from django.test import RequestFactory

from safeguarding.views import server_error


def test_the_500_page_sends_no_query_and_says_sorry(django_assert_num_queries, db):
    request = RequestFactory().get("/children/")
    with django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
