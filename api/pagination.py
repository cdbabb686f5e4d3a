import re

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class Pages(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_page_size(self, request):
        """A page_size that is not a whole number from 1 up is refused (400), not silently replaced by the default;
        one above max_page_size is capped. Empty is the same as absent, as for every query parameter."""
        given = request.query_params.get(self.page_size_query_param)
        if not given:
            return self.page_size
        if not re.fullmatch(r"[0-9]{1,9}", given) or int(given) < 1:
            raise ValidationError(
                {self.page_size_query_param: [f"Give a whole number from 1 to {self.max_page_size}."]}
            )
        return min(int(given), self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["minimum"] = 1
                parameter["description"] = f"Number of results to return per page (at most {self.max_page_size})."
        return parameters
