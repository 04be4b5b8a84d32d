import pytest

from tests import factories


@pytest.fixture
def index(db):
    return factories.training_site()


@pytest.fixture
def course(index):
    """A customer-service course with three lessons."""
    page, lessons = factories.course(index, "客户服务知识")
    page.lessons = lessons
    return page
