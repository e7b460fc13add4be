from jinguo.orgunits.models import OrgUnit


def test_tree_builds(tree):
    assert OrgUnit.objects.count() == 7
    assert OrgUnit.objects.subtree(tree.townships[0]).count() == 3
